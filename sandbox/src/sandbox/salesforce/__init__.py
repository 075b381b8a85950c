"""A fake Salesforce org: OAuth client-credentials, SOQL queries with cursors, Task writes."""
