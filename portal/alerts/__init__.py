"""Fraud-alert bulletins, their receipts and sightings, and their real-time push."""
