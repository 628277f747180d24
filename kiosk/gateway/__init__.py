"""The fleet gateway (issue 17): holds the Gigs key, forwards only what kiosks need.

Qt-free. The contract with kiosks is docs/gateway-protocol.md; the allow-list is `allow.py`.
"""
