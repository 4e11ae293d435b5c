"""Each persona's dashboards: pages as data (pages.py), their SQL (queries/), the Streamlit app and its sites."""
