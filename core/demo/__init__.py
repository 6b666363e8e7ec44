from core.demo.seed import DEMO_USERS, seed_demo

__all__ = ["DEMO_USERS", "seed_demo"]
