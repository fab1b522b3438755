"""The web interface: server-rendered pages with htmx fragments (no JavaScript build, strict CSP).

Views here are thin, like the API's: they read through the apps' selectors, write through their
services, and cut everything about labs to the signed-in user's labs with `vendorrisk.core.scoping`.
"""
