"""`renubu`: the command line for approvals (over the HTTP API) and API keys (in the database)."""
