"""E-signature providers behind one interface (provider.py); DocuSign first (docusign.py)."""
