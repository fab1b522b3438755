"""The fictional demo world (`manage.py load_demo`): the scenario as data, and one loader per record kind.

- `scenario` (with the record types in `specs`): every lab, vendor, engagement, incident, assessment and
  user of the demo, as plain data. Dates are offsets from today, so the demo stays current.
- `loaders`: one small loader per kind, writing through the apps' services with `admin` as the actor.
- `upsert`: the one idempotency rule: create the record, or bring its differing fields back.
- `load`: `load_demo`, the loaders in order in one transaction.
"""

from .load import load_demo
from .scenario import DEMO_QUESTIONNAIRE, NIST_QUESTIONNAIRE
from .upsert import DemoSummary

__all__ = ["DEMO_QUESTIONNAIRE", "NIST_QUESTIONNAIRE", "DemoSummary", "load_demo"]
