"""Questionnaire importers (DESIGN.md section 6): OSCAL catalogs and Google VSAQ files.

- oscal.py, vsaq.py (+ vsaq_cond.py, jsobject.py): pure parsers, text in → ParsedQuestionnaire (parsed.py) out; no ORM.
- writer.py: read files, then write through assessments.services in one transaction (idempotent,
  versioned); reports use incidents.importers.report.ImportReport like every other importer.
- historical.py: the same data written with historical models, for the data migration.
- command.py: the management commands' shared options and output.
"""
