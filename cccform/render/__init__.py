"""Views: present plans, results and diagnostics; never compute them. No click here."""
