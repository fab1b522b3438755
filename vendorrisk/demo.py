"""The fictional demo world (`manage.py load_demo`): the scenario as data, and the loader.

Every name here is invented; websites use the reserved `.example` top-level domain. Dates are offsets
from today, so the demo stays current. Everything is written through the apps' services with the
`admin` user as the actor (audit entries and score marks included), in one transaction, and the load
is idempotent: objects are matched by name / title and brought back to the scenario's values.

The story follows DESIGN.md's opening: Vellumark Data, a large AI-data contractor, holds training data,
evaluation benchmarks and synthetic-data methods for several competing labs and has just been breached.
Northwind halted all work with it, Harborlight keeps working, Quillfeather is still investigating, and
Cindermoss had its data deleted before the breach. Vellumark, Tallyforge Labeling, Brightquarry and
Lexifold all run their projects on the same annotation platform, Annotrix Cloud (a shared fourth party
nobody contracted for), which stores its exports at Stratacask.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from vendorrisk.audit import acting_as
from vendorrisk.roles import Role

SEED = 20260214
NIST_QUESTIONNAIRE = "Supply chain security (NIST SP 800-53r5 SR and related)"
DEMO_QUESTIONNAIRE = "Supply chain security (demo)"

# --- the scenario -------------------------------------------------------------------------------------

LABS = {
    "northwind": {
        "name": "Northwind Intelligence Lab",
        "description": "Frontier language-model lab headquartered in the EU.",
        "regimes": ["gdpr", "nis2"],
    },
    "harborlight": {
        "name": "Harborlight AI Research",
        "description": "US-listed research lab building reasoning and coding models.",
        "regimes": ["sec"],
    },
    "quillfeather": {
        "name": "Quillfeather Labs",
        "description": "Applied AI unit of a European financial group.",
        "regimes": ["gdpr", "dora"],
    },
    "cindermoss": {
        "name": "Cindermoss Research",
        "description": "Clinical AI lab working with hospital partners.",
        "regimes": ["hipaa", "sec"],
    },
    "pellucid": {
        "name": "Pellucid Reasoning Lab",
        "description": "Agents and evaluation research group.",
        "regimes": ["nis2"],
    },
}

# key: name, category, country, domain, parent key (optional), legal name, description
VENDORS = {
    "vellumark": (
        "Vellumark Data",
        "data_labeling",
        "US",
        "vellumark",
        None,
        "Vellumark Data Services, Inc.",
        "Large AI-data contractor: RLHF, expert data, eval authoring and synthetic-data pipelines.",
    ),
    "annotrix": (
        "Annotrix Cloud",
        "software",
        "IE",
        "annotrix",
        None,
        "Annotrix Software Ltd.",
        "Hosted data-annotation platform used by many labeling vendors.",
    ),
    "tallyforge_group": (
        "Tallyforge Group",
        "other",
        "NL",
        "tallyforge",
        None,
        "Tallyforge Holding B.V.",
        "Vendor group behind a freelance marketplace and a labeling brand.",
    ),
    "tallyforge_marketplace": (
        "Tallyforge Marketplace",
        "expert_network",
        "NL",
        "marketplace.tallyforge",
        "tallyforge_group",
        "Tallyforge Marketplace B.V.",
        "Freelance marketplace for writers, domain experts and annotators.",
    ),
    "tallyforge_labeling": (
        "Tallyforge Labeling",
        "data_labeling",
        "NL",
        "labeling.tallyforge",
        "tallyforge_group",
        "Tallyforge Labeling B.V.",
        "Managed labeling brand staffed through the Tallyforge marketplace.",
    ),
    "quorumwise": (
        "Quorumwise Experts",
        "expert_network",
        "GB",
        "quorumwise",
        None,
        "Quorumwise Experts Ltd.",
        "Expert network of scientists and clinicians for data review.",
    ),
    "rubricon": (
        "Rubricon Evals",
        "evaluation",
        "US",
        "rubricon",
        None,
        "Rubricon Evaluation Co.",
        "Builds and maintains held-out evaluation suites.",
    ),
    "sablecrest": (
        "Sablecrest Synthetic",
        "data_broker",
        "CA",
        "sablecrest",
        None,
        "Sablecrest Synthetic Data Corp.",
        "Synthetic tabular and text data generation.",
    ),
    "stratacask": (
        "Stratacask Storage",
        "compute",
        "DE",
        "stratacask",
        None,
        "Stratacask GmbH",
        "Object storage and cold archive hosting.",
    ),
    "ledgerlark": (
        "Ledgerlark Payroll",
        "software",
        "US",
        "ledgerlark",
        None,
        "Ledgerlark Inc.",
        "Contractor payroll and payments.",
    ),
    "brightquarry": (
        "Brightquarry Evaluations",
        "evaluation",
        "GB",
        "brightquarry",
        None,
        "Brightquarry Evaluations Ltd.",
        "Agentic and domain-specific evaluation harnesses.",
    ),
    "lexifold": (
        "Lexifold Linguistics",
        "data_labeling",
        "PH",
        "lexifold",
        None,
        "Lexifold Linguistics Inc.",
        "Transcription, translation and low-resource language annotation.",
    ),
    "marrowgate": (
        "Marrowgate Data Exchange",
        "data_broker",
        "US",
        "marrowgate",
        None,
        "Marrowgate Data Exchange LLC",
        "Licensed text archives and data feeds.",
    ),
    "pinecress": (
        "Pinecress Compute",
        "compute",
        "FI",
        "pinecress",
        None,
        "Pinecress Compute Oy",
        "GPU clusters for training and fine-tuning.",
    ),
    "kestrelnet": (
        "Kestrelnet GPU Cloud",
        "compute",
        "US",
        "kestrelnet",
        None,
        "Kestrelnet Cloud Inc.",
        "On-demand GPU capacity and secure enclaves.",
    ),
    "orrery": (
        "Orrery Benchmarks",
        "evaluation",
        "FR",
        "orrery-benchmarks",
        None,
        "Orrery Benchmarks SAS",
        "Licensed reasoning and long-context benchmarks.",
    ),
    "thistledown": (
        "Thistledown Transcription",
        "data_labeling",
        "KE",
        "thistledown",
        None,
        "Thistledown Transcription Ltd.",
        "Human transcription of speech and dictation.",
    ),
    "copperwick": (
        "Copperwick Scholars",
        "expert_network",
        "IN",
        "copperwick",
        None,
        "Copperwick Scholars Pvt. Ltd.",
        "Graduate-level problem writers in science and medicine.",
    ),
    "fennimore": (
        "Fennimore Code Reviewers",
        "expert_network",
        "PL",
        "fennimore",
        None,
        "Fennimore Sp. z o.o.",
        "Professional developers reviewing code and RL environments.",
    ),
    "nettlebright": (
        "Nettlebright Red Team",
        "evaluation",
        "US",
        "nettlebright",
        None,
        "Nettlebright Security LLC",
        "Adversarial testing and jailbreak audits of models.",
    ),
    "umberline": (
        "Umberline Licensing",
        "data_broker",
        "GB",
        "umberline",
        None,
        "Umberline Licensing Ltd.",
        "Textbook and reference-work licensing for training.",
    ),
    "wrenfield": (
        "Wrenfield Vault",
        "software",
        "SE",
        "wrenfield",
        None,
        "Wrenfield AB",
        "Secrets and key management service.",
    ),
    "drumlin": (
        "Drumlin Helpdesk",
        "software",
        "AU",
        "drumlin",
        None,
        "Drumlin Software Pty Ltd",
        "Ticketing and support desk software.",
    ),
    "saltmarsh": (
        "Saltmarsh Speech Corpus",
        "data_broker",
        "ZA",
        "saltmarsh",
        None,
        "Saltmarsh Speech (Pty) Ltd",
        "Consented conversational speech recordings.",
    ),
    "yarrowby": (
        "Yarrowby Legal Review",
        "other",
        "US",
        "yarrowby",
        None,
        "Yarrowby Legal PLLC",
        "Outside counsel for data licences and processing agreements.",
    ),
}

# (vendor, depends_on, shares_data, description)
DEPENDENCIES = [
    ("vellumark", "annotrix", True, "Every Vellumark project runs in Annotrix workspaces."),
    ("tallyforge_labeling", "annotrix", True, "Labeling queues hosted on Annotrix."),
    ("brightquarry", "annotrix", True, "Human grading of eval transcripts in Annotrix."),
    ("lexifold", "annotrix", True, "Transcription and translation tasks hosted on Annotrix."),
    ("annotrix", "stratacask", True, "Workspace exports and backups stored at Stratacask."),
    ("vellumark", "kestrelnet", True, "Model-assisted pre-labeling runs on Kestrelnet GPUs."),
    ("vellumark", "ledgerlark", False, "Contractor payroll only; no lab data is passed on."),
    (
        "tallyforge_labeling",
        "tallyforge_marketplace",
        True,
        "Annotators are sourced through the marketplace.",
    ),
    ("thistledown", "stratacask", True, "Audio files archived at Stratacask."),
    # A cycle: the expert network, the eval builder and the synthetic-data vendor feed each other.
    ("quorumwise", "rubricon", True, "Expert-reviewed items go into Rubricon eval suites."),
    ("rubricon", "sablecrest", True, "Eval variants generated by Sablecrest."),
    ("sablecrest", "quorumwise", True, "Synthetic samples checked by Quorumwise experts."),
]

# (lab, vendor, title, status, criticality, sensitivity, substitutability, data categories,
#  annual value, currency, start offset, end offset, disposal offset, notes) — offsets in days from today.
# fmt: off
ENGAGEMENTS = [
    # Northwind Intelligence Lab
    ("northwind", "vellumark", "RLHF preference labeling", "suspended", "critical", "restricted", "difficult",
     ["training_data"], 2_400_000, "EUR", -540, None, None,
     "Halted after the Vellumark workspace breach; waiting for the deletion certificate."),
    ("northwind", "vellumark", "Multilingual safety red-team prompts", "suspended", "high", "confidential",
     "moderate", ["training_data", "evaluation_benchmarks"], 600_000, "EUR", -300, None, None,
     "Halted with the rest of the Vellumark work."),
    ("northwind", "tallyforge_labeling", "Image caption quality review", "active", "medium", "confidential",
     "easy", ["training_data"], 350_000, "EUR", -400, 330, None, ""),
    ("northwind", "annotrix", "Annotation workspace licences", "active", "high", "confidential", "difficult",
     ["training_data", "credentials"], 180_000, "EUR", -700, None, None, "Used by the in-house labeling team."),
    ("northwind", "stratacask", "Cold archive of raw crawl snapshots", "active", "high", "internal",
     "moderate", ["training_data"], 90_000, "EUR", -900, None, None, ""),
    ("northwind", "quorumwise", "Domain expert panels for chemistry QA", "active", "medium", "confidential",
     "moderate", ["evaluation_benchmarks"], 220_000, "GBP", -250, None, None, ""),
    ("northwind", "pinecress", "Burst fine-tuning capacity", "active", "critical", "restricted", "moderate",
     ["model_weights", "training_data"], 3_100_000, "EUR", -200, 530, None, ""),
    ("northwind", "saltmarsh", "Licensed conversational speech corpus", "ended", "medium", "internal", "easy",
     ["training_data"], 75_000, "EUR", -800, -200, -150, "Deletion confirmed in writing."),
    ("northwind", "wrenfield", "Secrets vault for annotation pipeline", "active", "high", "restricted",
     "difficult", ["credentials", "source_code"], 40_000, "EUR", -600, None, None, ""),
    ("northwind", "orrery", "Reasoning benchmark licensing", "proposed", "low", "internal", "easy",
     ["evaluation_benchmarks"], 30_000, "EUR", 30, None, None, "Awaiting legal review."),
    ("northwind", "drumlin", "Contractor support ticketing", "active", "low", "internal", "easy",
     [], 12_000, "EUR", -1000, None, None, ""),
    ("northwind", "lexifold", "Low-resource language transcription", "ended", "medium", "confidential",
     "moderate", ["training_data", "personal_data"], 140_000, "EUR", -700, -90, None,
     "Contract ended; Lexifold has not yet confirmed deletion."),
    # Harborlight AI Research
    ("harborlight", "vellumark", "Math eval benchmark authoring", "active", "critical", "restricted", "none",
     ["evaluation_benchmarks"], 1_800_000, "USD", -420, None, None, "Held-out competition-level problems."),
    ("harborlight", "vellumark", "Code reasoning trajectories", "active", "high", "restricted", "difficult",
     ["training_data", "source_code"], 950_000, "USD", -180, None, None, ""),
    ("harborlight", "rubricon", "Held-out eval suite maintenance", "active", "high", "restricted",
     "difficult", ["evaluation_benchmarks"], 400_000, "USD", -500, None, None, ""),
    ("harborlight", "kestrelnet", "Inference overflow GPU reservation", "active", "critical", "confidential",
     "moderate", ["model_weights"], 5_200_000, "USD", -365, 365, None, ""),
    ("harborlight", "brightquarry", "Agentic task evaluation harness", "active", "medium", "confidential",
     "moderate", ["evaluation_benchmarks", "source_code"], 260_000, "USD", -160, None, None, ""),
    ("harborlight", "copperwick", "Graduate-level physics problem writing", "active", "high", "confidential",
     "difficult", ["evaluation_benchmarks", "training_data"], 310_000, "USD", -220, None, None, ""),
    ("harborlight", "marrowgate", "Licensed news archive feed", "active", "medium", "internal", "easy",
     ["training_data"], 500_000, "USD", -730, None, None, ""),
    ("harborlight", "yarrowby", "Dataset licence review", "active", "low", "internal", "easy",
     [], 45_000, "USD", -300, None, None, ""),
    ("harborlight", "nettlebright", "Pre-release red-team exercise", "ended", "high", "restricted",
     "moderate", ["model_weights", "evaluation_benchmarks"], 150_000, "USD", -260, -120, -100,
     "Weights access revoked and logs deleted."),
    ("harborlight", "tallyforge_marketplace", "Freelance prompt writers pool", "proposed", "medium",
     "confidential", "easy", ["training_data"], None, "", 14, None, None, ""),
    ("harborlight", "fennimore", "Code review of RL environments", "suspended", "medium", "confidential",
     "moderate", ["source_code"], 120_000, "USD", -200, None, -20, "Paused pending renewal; data returned."),
    ("harborlight", "umberline", "Textbook corpus licence", "ended", "low", "public", "easy",
     ["training_data"], 80_000, "USD", -1100, -400, -380, ""),
    # Quillfeather Labs
    ("quillfeather", "vellumark", "Synthetic dialogue pipeline co-development", "active", "high",
     "restricted", "difficult", ["synthetic_data_methods", "training_data"], 1_250_000, "EUR", -330, None,
     None, "Joint work on the synthetic-data recipe."),
    ("quillfeather", "vellumark", "Financial QA preference data", "proposed", "high", "confidential",
     "moderate", ["training_data"], 400_000, "EUR", 21, None, None, "On hold until the breach review ends."),
    ("quillfeather", "tallyforge_labeling", "Document layout bounding boxes", "active", "medium", "internal",
     "easy", ["training_data"], 210_000, "EUR", -280, None, None, ""),
    ("quillfeather", "lexifold", "Legal-domain translation review", "active", "medium", "confidential",
     "moderate", ["training_data"], 160_000, "EUR", -240, None, None, ""),
    ("quillfeather", "sablecrest", "Synthetic transaction records", "active", "high", "confidential",
     "difficult", ["synthetic_data_methods", "personal_data"], 380_000, "EUR", -410, None, None, ""),
    ("quillfeather", "rubricon", "Regulatory-compliance eval set", "active", "medium", "restricted",
     "moderate", ["evaluation_benchmarks"], 190_000, "EUR", -150, None, None, ""),
    ("quillfeather", "pinecress", "Sovereign training cluster", "active", "critical", "restricted", "none",
     ["model_weights", "training_data", "source_code"], 4_400_000, "EUR", -480, None, None, ""),
    ("quillfeather", "wrenfield", "Key management for model registry", "active", "high", "restricted",
     "difficult", ["credentials"], 55_000, "EUR", -520, None, None, ""),
    ("quillfeather", "drumlin", "Vendor onboarding helpdesk", "ended", "low", "internal", "easy",
     [], 8_000, "EUR", -900, -300, None, ""),
    ("quillfeather", "orrery", "Long-context benchmark access", "active", "low", "public", "easy",
     ["evaluation_benchmarks"], 25_000, "EUR", -100, None, None, ""),
    ("quillfeather", "thistledown", "Earnings-call transcription", "suspended", "medium", "confidential",
     "easy", ["training_data", "personal_data"], 95_000, "EUR", -350, None, None, "Paused over a quality dispute."),
    ("quillfeather", "marrowgate", "Market data snapshot licence", "ended", "medium", "internal", "moderate",
     ["training_data"], 220_000, "EUR", -1000, -60, -30, ""),
    # Cindermoss Research
    ("cindermoss", "vellumark", "Clinical note de-identification QA", "ended", "high", "restricted",
     "moderate", ["personal_data", "training_data"], 700_000, "USD", -800, -120, -60,
     "Data deleted before the breach; certificate on file."),
    ("cindermoss", "thistledown", "Medical dictation transcription", "active", "high", "restricted",
     "difficult", ["personal_data", "training_data"], 520_000, "USD", -600, None, None, "Under a BAA."),
    ("cindermoss", "quorumwise", "Clinician expert review panels", "active", "high", "confidential",
     "difficult", ["evaluation_benchmarks", "personal_data"], 340_000, "USD", -300, None, None, ""),
    ("cindermoss", "brightquarry", "Medical QA benchmark scoring", "active", "medium", "confidential",
     "moderate", ["evaluation_benchmarks"], 130_000, "USD", -200, None, None, ""),
    ("cindermoss", "kestrelnet", "HIPAA-eligible GPU enclave", "active", "critical", "restricted",
     "difficult", ["model_weights", "personal_data"], 2_900_000, "USD", -450, None, None, ""),
    ("cindermoss", "stratacask", "Encrypted imaging archive", "active", "high", "restricted", "moderate",
     ["personal_data", "training_data"], 310_000, "USD", -700, None, None, ""),
    ("cindermoss", "sablecrest", "Synthetic patient cohorts", "proposed", "high", "restricted", "difficult",
     ["synthetic_data_methods", "personal_data"], 450_000, "USD", 45, None, None, ""),
    ("cindermoss", "yarrowby", "BAA and DPA review", "active", "low", "internal", "easy",
     [], 20_000, "USD", -400, None, None, ""),
    ("cindermoss", "umberline", "Medical textbook licence", "active", "low", "public", "easy",
     ["training_data"], 60_000, "USD", -365, None, None, ""),
    ("cindermoss", "copperwick", "Pharmacology problem sets", "suspended", "medium", "confidential",
     "moderate", ["evaluation_benchmarks"], 90_000, "USD", -280, None, -10, "Paused; files returned."),
    ("cindermoss", "saltmarsh", "Patient-consented speech samples", "ended", "medium", "restricted",
     "moderate", ["personal_data"], 110_000, "USD", -900, -500, None, "Deletion never confirmed."),
    ("cindermoss", "annotrix", "Radiology annotation workspace", "active", "high", "restricted", "difficult",
     ["personal_data", "training_data"], 150_000, "USD", -500, None, None, ""),
    # Pellucid Reasoning Lab
    ("pellucid", "vellumark", "Agent trajectory grading", "active", "critical", "confidential", "difficult",
     ["training_data", "evaluation_benchmarks"], 880_000, "EUR", -260, None, None, ""),
    ("pellucid", "tallyforge_labeling", "Preference ranking overflow", "active", "high", "confidential",
     "moderate", ["training_data"], 300_000, "EUR", -190, None, None, ""),
    ("pellucid", "tallyforge_marketplace", "Domain expert sourcing", "active", "medium", "internal", "easy",
     [], 70_000, "EUR", -330, None, None, ""),
    ("pellucid", "quorumwise", "Expert-written eval rubrics", "active", "medium", "confidential", "moderate",
     ["evaluation_benchmarks"], 140_000, "GBP", -210, None, None, ""),
    ("pellucid", "rubricon", "Safety eval red-teaming", "proposed", "critical", "restricted", "difficult",
     ["evaluation_benchmarks", "model_weights"], 500_000, "EUR", 10, None, None, ""),
    ("pellucid", "fennimore", "Code solution verification", "active", "medium", "confidential", "easy",
     ["source_code", "training_data"], 160_000, "EUR", -170, None, None, ""),
    ("pellucid", "pinecress", "Pretraining cluster lease", "active", "critical", "restricted", "difficult",
     ["model_weights", "training_data"], 6_000_000, "EUR", -540, 190, None, ""),
    ("pellucid", "nettlebright", "Jailbreak robustness audit", "active", "high", "restricted", "moderate",
     ["model_weights"], 210_000, "EUR", -90, None, None, ""),
    ("pellucid", "lexifold", "Nordic language annotation", "suspended", "low", "internal", "easy",
     ["training_data"], 40_000, "EUR", -300, None, None, ""),
    ("pellucid", "drumlin", "Annotator support desk", "active", "low", "internal", "easy",
     [], 9_000, "EUR", -500, None, None, ""),
    ("pellucid", "orrery", "Benchmark contamination audit", "ended", "medium", "confidential", "moderate",
     ["evaluation_benchmarks"], 35_000, "EUR", -400, -200, -190, ""),
    ("pellucid", "marrowgate", "Web forum archive licence", "proposed", "low", "public", "moderate",
     ["training_data"], None, "", 60, None, None, ""),
]
# fmt: on

# Offsets in hours before the load's reference time (today 09:00 UTC).
INCIDENTS = [
    {
        "vendor": "vellumark",
        "title": "Unauthorised access to Vellumark project workspaces",
        "description": (
            "An attacker used a stolen contractor session to browse and export project workspaces. "
            "Vellumark confirmed that customer training data, evaluation benchmarks and synthetic-data "
            "pipeline documentation were exfiltrated for several customers."
        ),
        "severity": "critical",
        "status": "investigating",
        "attack_vector": "credential_theft",
        "data_exposure": "confirmed",
        "data_categories_exposed": ["training_data", "evaluation_benchmarks", "synthetic_data_methods"],
        "records_affected": 1_400_000,
        "occurred_at": 9 * 24,
        "discovered_at": 4 * 24,
        "vendor_confirmed_at": 3 * 24,
        "updates": [
            "Vendor confirmed exfiltration from project workspaces; forensic firm engaged.",
            "Vendor rotated all contractor credentials and disabled workspace exports.",
        ],
    },
    {
        "vendor": "lexifold",
        "title": "Publicly readable transcription bucket at Lexifold",
        "description": "A storage bucket holding audio snippets and transcripts was readable without "
        "authentication for about two weeks. Access logs show limited downloads.",
        "severity": "medium",
        "status": "contained",
        "attack_vector": "misconfiguration",
        "data_exposure": "suspected",
        "data_categories_exposed": ["training_data", "personal_data"],
        "records_affected": 18_000,
        "occurred_at": 55 * 24,
        "discovered_at": 40 * 24,
        "vendor_confirmed_at": 39 * 24,
        "updates": ["Bucket made private; vendor reviewing access logs."],
    },
]

# (incident vendor, lab, decision, data_confirmed_exposed, aware hours ago, reason)
# fmt: off
RESPONSES = [
    ("vellumark", "northwind", "halt", "yes", 3 * 24,
     "Halted all work with Vellumark until it shows how the attacker got in and confirms deletion of our "
     "preference data. Contractors are stood down."),
    ("vellumark", "harborlight", "continue", "unknown", 3 * 24 - 5,
     "Benchmark authoring continues in a separate, newly provisioned workspace; the old workspace is "
     "frozen while the forensic report is pending."),
    ("vellumark", "quillfeather", "investigating", "unknown", 2 * 24,
     "Checking with Vellumark whether our synthetic-data pipeline documents were in the exported "
     "workspaces before deciding."),
]
# fmt: on

# Users besides `admin`: username -> (role, all_labs, lab keys)
USERS = {
    "security": (Role.SECURITY, True, []),
    "procurement": (Role.PROCUREMENT, True, []),
    "viewer": (Role.VIEWER, False, ["harborlight"]),
    "analyst": (Role.SECURITY, False, ["northwind", "quillfeather"]),
}

DEMO_QUESTIONS = [
    ("SR-1", "Policy", "Does the vendor maintain a documented supply chain risk management policy?", 1),
    ("SR-2", "Planning", "Is there a supply chain risk management plan reviewed at least yearly?", 1),
    ("SR-3", "Controls", "Are supply chain controls and processes documented and enforced?", 2),
    ("SR-4", "Provenance", "Does the vendor track the provenance of the data and components it uses?", 2),
    ("SR-5", "Acquisition", "Do contracts with subprocessors flow down the lab's security requirements?", 2),
    ("SR-6", "Reviews", "Are subprocessors assessed before onboarding and periodically after?", 1),
    ("SR-8", "Notification", "Will the vendor notify customers of a breach within 24 hours?", 2),
    ("SR-12", "Disposal", "Is customer data deleted or returned, with a certificate, at contract end?", 1),
]
DEMO_RESPONSES = {
    "SR-1": "yes",
    "SR-2": "yes",
    "SR-3": "partial",
    "SR-4": "yes",
    "SR-5": "no",
    "SR-6": "partial",
    "SR-8": "yes",
    "SR-12": "yes",
}

# (vendor, status, assessor, completed days ago, answered share, notes)
ASSESSMENTS = [
    ("annotrix", "completed", "security", 60, 1.0, "Annual review of the shared annotation platform."),
    ("vellumark", "in_progress", "analyst", None, 0.5, "Post-breach reassessment of Vellumark."),
]

# (assessment vendor, title, severity, status, owner, due offset days, description)
# fmt: off
FINDINGS = [
    ("annotrix", "Subprocessor contracts lack security flow-down terms", "high", "open", "security", -20,
     "Two storage subprocessors have no contractual breach-notification duty."),
    ("annotrix", "Workspace export logs kept for only 7 days", "medium", "remediating", "security", 45,
     "Retention to be raised to 90 days."),
]
# fmt: on


# --- the loader ---------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    questionnaire: str = ""

    def count(self, kind: str, *, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def lines(self) -> list[str]:
        c = self.counts
        by_status = ", ".join(f"{n} {s}" for s, n in c["engagements_by_status"].items())
        made = ", ".join(f"{n} {k}" for k, n in self.created.items()) or "nothing"
        changed = ", ".join(f"{n} {k}" for k, n in self.updated.items()) or "nothing"
        return [
            f"Demo world: {c['labs']} labs, {c['vendors']} vendors, {c['dependencies']} vendor dependencies.",
            f"Engagements: {c['engagements']} ({by_status}).",
            f"Incidents: {c['incidents']} ({c['lab_responses']} lab responses); "
            f"assessments: {c['assessments']}, findings: {c['findings']} (questionnaire: {self.questionnaire}).",
            f"Users: {', '.join(c['users'])}.",
            f"This run created {made}; updated {changed}.",
        ]


def _days(today: date, offset: int | None) -> date | None:
    return None if offset is None else today + timedelta(days=offset)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _changes(obj, data: dict) -> dict:
    return {k: v for k, v in data.items() if getattr(obj, k) != v}


def _upsert_user(username: str, *, role, all_labs: bool, labs, password: str, actor, summary) -> object:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    wanted = {
        "role": role,
        "all_labs": all_labs,
        "is_active": True,
        "email": f"{username}@vendorrisk.example",
    }
    changed = bool(_changes(user, wanted))
    for key, value in wanted.items():
        setattr(user, key, value)
    if created or not user.check_password(password):
        user.set_password(password)
        changed = True
    with acting_as(actor):
        user.full_clean(exclude=["password"])
        if created or changed:
            user.save()
        if labs is not None and set(user.labs.all()) != set(labs):
            user.labs.set(labs)
            changed = True
    summary.count("users", created=created, changed=changed)
    return user


def _score(answers: dict, questions) -> tuple[Decimal, str]:
    """DESIGN.md section 1: weighted mean of the answered questions (na excluded), rounded; the rating."""
    values = {"yes": Decimal(1), "partial": Decimal("0.5"), "no": Decimal(0)}
    total = weight = Decimal(0)
    for question in questions:
        response = answers.get(question.id)
        if response in values:
            total += question.weight * values[response]
            weight += question.weight
    score = (total / weight * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if score >= 85:
        rating = "strong"
    elif score >= 70:
        rating = "satisfactory"
    elif score >= 50:
        rating = "needs_improvement"
    else:
        rating = "unsatisfactory"
    return score, rating


def _validity_months(vendor) -> int:
    months = settings.VENDORRISK_ASSESSMENT_VALIDITY_MONTHS
    order = ["low", "medium", "high", "critical"]
    exposing = [e.criticality for e in vendor.engagements.all() if e.is_exposing]
    if not exposing:
        return months["none"]
    return months[max(exposing, key=order.index)]


def _plan_answers(questionnaire, share: float, rng: random.Random) -> dict:
    """Responses for the applicable questions (in order), the first `share` of them."""
    questions = list(questionnaire.questions.select_related("condition_question").order_by("position", "id"))
    by_code: dict[str, str] = {}
    plan: dict = {}
    for question in questions:
        if question.condition_question_id:
            condition = by_code.get(question.condition_question.code)
            if condition not in question.condition_responses:
                continue
        response = DEMO_RESPONSES.get(question.code) if questionnaire.name == DEMO_QUESTIONNAIRE else None
        if response is None:
            response = rng.choices(["yes", "partial", "no", "na"], weights=[60, 25, 10, 5])[0]
        by_code[question.code] = response
        plan[question] = response
    if plan and all(r == "na" for r in plan.values()):
        plan[next(iter(plan))] = "yes"
    keep = max(1, round(len(plan) * share))
    return dict(list(plan.items())[:keep])


def load_demo(*, password: str, today: date | None = None) -> DemoSummary:
    """Build (or bring back) the demo world. Returns a summary; writes one transaction, one score drain."""
    from assessments import services as assessment_services
    from assessments.models import Answer, Assessment, Finding, Questionnaire
    from incidents import services as incident_services
    from incidents.models import Incident, LabResponse
    from vendors import dirty
    from vendors import services as vendor_services
    from vendors.models import Engagement, Lab, Vendor, VendorDependency

    User = get_user_model()
    summary = DemoSummary()
    rng = random.Random(SEED)
    today = today or datetime.now(UTC).date()
    anchor = datetime.combine(today, time(9, 0), tzinfo=UTC)
    now = datetime.now(UTC)

    def hours_ago(hours: int) -> datetime:
        return min(anchor - timedelta(hours=hours), now - timedelta(minutes=1))

    with transaction.atomic():
        admin = _upsert_user(
            "admin", role=Role.ADMIN, all_labs=True, labs=None, password=password, actor=None, summary=summary
        )

        labs = {}
        for key, data in LABS.items():
            lab = Lab.objects.filter(name__iexact=data["name"]).first()
            if lab is None:
                labs[key] = vendor_services.lab_create(actor=admin, **data)
                summary.count("labs", created=True)
            else:
                changes = _changes(lab, data)
                if changes:
                    lab = vendor_services.lab_update(actor=admin, instance=lab, **changes)
                summary.count("labs", created=False, changed=bool(changes))
                labs[key] = lab

        users = {"admin": admin}
        for username, (role, all_labs, lab_keys) in USERS.items():
            users[username] = _upsert_user(
                username,
                role=role,
                all_labs=all_labs,
                labs=[labs[k] for k in lab_keys],
                password=password,
                actor=admin,
                summary=summary,
            )

        vendors = {}
        for key, (name, category, country, domain, parent, legal, description) in VENDORS.items():
            data = {
                "name": name,
                "category": category,
                "country": country,
                "website": f"https://www.{domain}.example"
                if "." not in domain
                else f"https://{domain}.example",
                "parent": vendors[parent] if parent else None,
                "legal_name": legal,
                "description": description,
                "status": "under_review" if key == "vellumark" else "active",
            }
            vendor = Vendor.objects.filter(name__iexact=name).first()
            if vendor is None:
                vendors[key] = vendor_services.vendor_create(actor=admin, **data)
                summary.count("vendors", created=True)
            else:
                changes = _changes(vendor, data)
                if changes:
                    vendor = vendor_services.vendor_update(actor=admin, instance=vendor, **changes)
                summary.count("vendors", created=False, changed=bool(changes))
                vendors[key] = vendor

        for source, target, shares_data, description in DEPENDENCIES:
            data = {"shares_data": shares_data, "description": description}
            dep = VendorDependency.objects.filter(vendor=vendors[source], depends_on=vendors[target]).first()
            if dep is None:
                vendor_services.dependency_create(
                    actor=admin, vendor=vendors[source], depends_on=vendors[target], **data
                )
                summary.count("dependencies", created=True)
            else:
                changes = _changes(dep, data)
                if changes:
                    vendor_services.dependency_update(actor=admin, instance=dep, **changes)
                summary.count("dependencies", created=False, changed=bool(changes))

        for row in ENGAGEMENTS:
            lab_key, vendor_key, title, status, crit, sens, subst, cats, value, currency = row[:10]
            start, end, disposed, notes = row[10:]
            data = {
                "status": status,
                "criticality": crit,
                "data_sensitivity": sens,
                "substitutability": subst,
                "data_categories": list(cats),
                "annual_value": None if value is None else Decimal(value).quantize(Decimal("0.01")),
                "currency": currency,
                "start_date": _days(today, start),
                "end_date": _days(today, end),
                "data_disposed_on": _days(today, disposed),
                "notes": notes,
                "owner": users["procurement"],
            }
            lab, vendor = labs[lab_key], vendors[vendor_key]
            engagement = Engagement.objects.filter(lab=lab, vendor=vendor, title=title).first()
            if engagement is None:
                vendor_services.engagement_create(actor=admin, lab=lab, vendor=vendor, title=title, **data)
                summary.count("engagements", created=True)
            else:
                changes = _changes(engagement, data)
                if changes:
                    vendor_services.engagement_update(actor=admin, instance=engagement, **changes)
                summary.count("engagements", created=False, changed=bool(changes))

        incidents = {}
        for spec in INCIDENTS:
            vendor = vendors[spec["vendor"]]
            incident = Incident.objects.filter(vendor=vendor, title=spec["title"]).first()
            if incident is not None:
                # The lifecycle only moves forward, so an existing incident is left as the demo made it.
                incidents[spec["vendor"]] = incident
                summary.count("incidents", created=False, changed=False)
                continue
            data = {
                k: v
                for k, v in spec.items()
                if k
                not in ("vendor", "status", "updates", "occurred_at", "discovered_at", "vendor_confirmed_at")
            }
            incident = incident_services.incident_create(
                actor=admin,
                vendor=vendor,
                status="reported",
                occurred_at=hours_ago(spec["occurred_at"]),
                discovered_at=hours_ago(spec["discovered_at"]),
                note="Reported by the vendor's customer success team.",
                **data,
            )
            incident = incident_services.incident_update(
                actor=admin,
                instance=incident,
                status=spec["status"],
                vendor_confirmed_at=hours_ago(spec["vendor_confirmed_at"]),
                note=f"Vendor confirmed the incident; status {spec['status']}.",
            )
            for body in spec["updates"]:
                incident_services.incident_update_create(actor=admin, incident=incident, body=body)
            incidents[spec["vendor"]] = incident
            summary.count("incidents", created=True)

        for vendor_key, lab_key, decision, confirmed, aware, reason in RESPONSES:
            incident, lab = incidents[vendor_key], labs[lab_key]
            data = {
                "decision": decision,
                "data_confirmed_exposed": confirmed,
                "reason": reason,
                "aware_at": hours_ago(aware),
            }
            response = LabResponse.objects.filter(incident=incident, lab=lab).first()
            if response is None:
                incident_services.lab_response_create(
                    actor=admin,
                    incident=incident,
                    lab=lab,
                    decided_at=hours_ago(aware - 2),
                    **data,
                )
                summary.count("lab responses", created=True)
            else:
                # aware_at follows the incident's (fixed) discovery, so only the decision is brought back.
                changes = _changes(
                    response, {k: data[k] for k in ("decision", "data_confirmed_exposed", "reason")}
                )
                if changes:
                    incident_services.lab_response_update(actor=admin, instance=response, **changes)
                summary.count("lab responses", created=False, changed=bool(changes))

        questionnaire = Questionnaire.objects.filter(name=NIST_QUESTIONNAIRE).order_by("-version").first()
        if questionnaire is None or not questionnaire.questions.exists():
            questionnaire = Questionnaire.objects.filter(name=DEMO_QUESTIONNAIRE).order_by("-version").first()
        if questionnaire is None:
            questionnaire = assessment_services.questionnaire_create(
                actor=admin,
                name=DEMO_QUESTIONNAIRE,
                source="NIST SP 800-53r5 (abridged for the demo)",
                description="A short built-in questionnaire used when the NIST questionnaire is not installed.",
                questions=[
                    {"code": code, "domain": domain, "text": text, "weight": weight}
                    for code, domain, text, weight in DEMO_QUESTIONS
                ],
            )
            summary.count("questionnaires", created=True)
        summary.questionnaire = str(questionnaire)

        complete = getattr(assessment_services, "assessment_complete", None)
        answers_put = getattr(assessment_services, "answers_put", None)
        assessments = {}
        for vendor_key, status, assessor, completed_days, share, notes in ASSESSMENTS:
            vendor = vendors[vendor_key]
            assessment = (
                Assessment.objects.filter(
                    vendor=vendor, questionnaire__name__in=[NIST_QUESTIONNAIRE, DEMO_QUESTIONNAIRE]
                )
                .order_by("id")
                .first()
            )
            assessments[vendor_key] = assessment
            if assessment is not None:
                summary.count("assessments", created=False, changed=False)
                continue
            assessment = assessment_services.assessment_create(
                actor=admin,
                vendor=vendor,
                questionnaire=questionnaire,
                status="in_progress",
                assessor=users[assessor],
                notes=notes,
            )
            plan = _plan_answers(questionnaire, share, rng)
            if answers_put is not None:
                answers_put(
                    actor=admin,
                    assessment=assessment,
                    answers=[{"question": q.id, "response": r, "comment": ""} for q, r in plan.items()],
                )
            else:  # no answers service yet: write the rows it would write
                with acting_as(admin):
                    for question, response in plan.items():
                        answer = Answer(assessment=assessment, question=question, response=response)
                        answer.full_clean()
                        answer.save()
            if status == "completed":
                if complete is not None:
                    assessment = complete(actor=admin, assessment=assessment)
                else:
                    # No completion service yet: write the completed state it would write.
                    questions = list(questionnaire.questions.all())
                    score, rating = _score({q.id: r for q, r in plan.items()}, questions)
                    completed_at = hours_ago(completed_days * 24)
                    with acting_as(admin):
                        assessment.status = "completed"
                        assessment.score = score
                        assessment.rating = rating
                        assessment.completed_at = completed_at
                        assessment.valid_until = add_months(completed_at.date(), _validity_months(vendor))
                        assessment.full_clean()
                        assessment.save()
                    dirty.mark_vendor(vendor_id=vendor.id, cause=f"assessment {assessment.id} completed")
            assessments[vendor_key] = assessment
            summary.count("assessments", created=True)

        for vendor_key, title, severity, status, owner, due, description in FINDINGS:
            assessment = assessments[vendor_key]
            data = {
                "severity": severity,
                "status": status,
                "owner": users[owner],
                "due_on": _days(today, due),
                "description": description,
            }
            finding = Finding.objects.filter(assessment=assessment, title=title).first()
            if finding is None:
                assessment_services.finding_create(actor=admin, assessment=assessment, title=title, **data)
                summary.count("findings", created=True)
            else:
                changes = _changes(finding, data)
                if changes:
                    assessment_services.finding_update(actor=admin, instance=finding, **changes)
                summary.count("findings", created=False, changed=bool(changes))

    engagement_status = {
        s: Engagement.objects.filter(status=s).count() for s in ("proposed", "active", "suspended", "ended")
    }
    summary.counts = {
        "labs": Lab.objects.count(),
        "vendors": Vendor.objects.count(),
        "dependencies": VendorDependency.objects.count(),
        "engagements": Engagement.objects.count(),
        "engagements_by_status": engagement_status,
        "incidents": Incident.objects.count(),
        "lab_responses": LabResponse.objects.count(),
        "assessments": Assessment.objects.count(),
        "findings": Finding.objects.count(),
        "users": list(User.objects.order_by("id").values_list("username", flat=True)),
    }
    return summary
