"""The only code the platform's services share: what travels between them."""
