"""Checks beyond a single file: what briefs and pages become (allowlist, preflight, site_config) and
whether cited paragraphs state the numbers and dates cited to them (citations, quantities)."""
