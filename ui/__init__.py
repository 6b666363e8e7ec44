"""Streamlit helpers shared by app.py and the pages: who is acting, translation, forms. No business logic."""
