"""The communes of the deployment: each a tenant (app/core/tenancy.py), made from its plan
file's [commune] table (`flask commune add`)."""
