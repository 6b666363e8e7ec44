"""Exchange formats: the EU communication template (Excel), and later the registry XML, CSV and full exports."""
