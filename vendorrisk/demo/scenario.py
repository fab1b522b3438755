"""The demo scenario as data: every lab, vendor, engagement, incident, assessment and user of the demo.

Every name here is invented; websites use the reserved `.example` top-level domain. The story follows
DESIGN.md's opening: Vellumark Data, a large AI-data contractor, holds training data, evaluation
benchmarks and synthetic-data methods for several competing labs and has just been breached. Northwind
halted all work with it, Harborlight keeps working, Quillfeather is still investigating, and Cindermoss
had its data deleted before the breach. Vellumark, Tallyforge Labeling, Brightquarry and Lexifold all run
their projects on the same annotation platform, Annotrix Cloud (a shared fourth party nobody contracted
for), which stores its exports at Stratacask. Tallyforge is a group with two brands.

Nothing here touches the database; `vendorrisk.demo.loaders` writes it through the apps' services.
"""

from vendorrisk.core.roles import Role

from .specs import (
    AssessmentSpec,
    DependencySpec,
    EngagementSpec,
    FindingSpec,
    IncidentSpec,
    LabSpec,
    QuestionSpec,
    ResponseSpec,
    UserSpec,
    VendorSpec,
)

SEED = 20260214  # the answers drawn for questions the scenario does not answer itself
NIST_QUESTIONNAIRE = "Supply chain security (NIST SP 800-53r5 SR and related)"
DEMO_QUESTIONNAIRE = "Supply chain security (demo)"

# fmt: off
LABS = [
    LabSpec("northwind", "Northwind Intelligence Lab", "Frontier language-model lab headquartered in the EU.",
        ("gdpr", "nis2")),
    LabSpec("harborlight", "Harborlight AI Research",
        "US-listed research lab building reasoning and coding models.", ("sec",)),
    LabSpec("quillfeather", "Quillfeather Labs", "Applied AI unit of a European financial group.",
        ("gdpr", "dora")),
    LabSpec("cindermoss", "Cindermoss Research", "Clinical AI lab working with hospital partners.",
        ("hipaa", "sec")),
    LabSpec("pellucid", "Pellucid Reasoning Lab", "Agents and evaluation research group.", ("nis2",)),
]

VENDORS = [
    VendorSpec("vellumark", "Vellumark Data", "data_labeling", "US", "https://www.vellumark.example", None,
        "Vellumark Data Services, Inc.",
        "Large AI-data contractor: RLHF, expert data, eval authoring and synthetic-data pipelines.",
        "under_review"),
    VendorSpec("annotrix", "Annotrix Cloud", "software", "IE", "https://www.annotrix.example", None,
        "Annotrix Software Ltd.", "Hosted data-annotation platform used by many labeling vendors."),
    VendorSpec("tallyforge_group", "Tallyforge Group", "other", "NL", "https://www.tallyforge.example", None,
        "Tallyforge Holding B.V.", "Vendor group behind a freelance marketplace and a labeling brand."),
    VendorSpec("tallyforge_marketplace", "Tallyforge Marketplace", "expert_network", "NL",
        "https://marketplace.tallyforge.example", "tallyforge_group", "Tallyforge Marketplace B.V.",
        "Freelance marketplace for writers, domain experts and annotators."),
    VendorSpec("tallyforge_labeling", "Tallyforge Labeling", "data_labeling", "NL",
        "https://labeling.tallyforge.example", "tallyforge_group", "Tallyforge Labeling B.V.",
        "Managed labeling brand staffed through the Tallyforge marketplace."),
    VendorSpec("quorumwise", "Quorumwise Experts", "expert_network", "GB", "https://www.quorumwise.example",
        None, "Quorumwise Experts Ltd.", "Expert network of scientists and clinicians for data review."),
    VendorSpec("rubricon", "Rubricon Evals", "evaluation", "US", "https://www.rubricon.example", None,
        "Rubricon Evaluation Co.", "Builds and maintains held-out evaluation suites."),
    VendorSpec("sablecrest", "Sablecrest Synthetic", "data_broker", "CA", "https://www.sablecrest.example",
        None, "Sablecrest Synthetic Data Corp.", "Synthetic tabular and text data generation."),
    VendorSpec("stratacask", "Stratacask Storage", "compute", "DE", "https://www.stratacask.example", None,
        "Stratacask GmbH", "Object storage and cold archive hosting."),
    VendorSpec("ledgerlark", "Ledgerlark Payroll", "software", "US", "https://www.ledgerlark.example", None,
        "Ledgerlark Inc.", "Contractor payroll and payments."),
    VendorSpec("brightquarry", "Brightquarry Evaluations", "evaluation", "GB",
        "https://www.brightquarry.example", None, "Brightquarry Evaluations Ltd.",
        "Agentic and domain-specific evaluation harnesses."),
    VendorSpec("lexifold", "Lexifold Linguistics", "data_labeling", "PH", "https://www.lexifold.example",
        None, "Lexifold Linguistics Inc.",
        "Transcription, translation and low-resource language annotation."),
    VendorSpec("marrowgate", "Marrowgate Data Exchange", "data_broker", "US",
        "https://www.marrowgate.example", None, "Marrowgate Data Exchange LLC",
        "Licensed text archives and data feeds."),
    VendorSpec("pinecress", "Pinecress Compute", "compute", "FI", "https://www.pinecress.example", None,
        "Pinecress Compute Oy", "GPU clusters for training and fine-tuning."),
    VendorSpec("kestrelnet", "Kestrelnet GPU Cloud", "compute", "US", "https://www.kestrelnet.example", None,
        "Kestrelnet Cloud Inc.", "On-demand GPU capacity and secure enclaves."),
    VendorSpec("orrery", "Orrery Benchmarks", "evaluation", "FR", "https://www.orrery-benchmarks.example",
        None, "Orrery Benchmarks SAS", "Licensed reasoning and long-context benchmarks."),
    VendorSpec("thistledown", "Thistledown Transcription", "data_labeling", "KE",
        "https://www.thistledown.example", None, "Thistledown Transcription Ltd.",
        "Human transcription of speech and dictation."),
    VendorSpec("copperwick", "Copperwick Scholars", "expert_network", "IN", "https://www.copperwick.example",
        None, "Copperwick Scholars Pvt. Ltd.", "Graduate-level problem writers in science and medicine."),
    VendorSpec("fennimore", "Fennimore Code Reviewers", "expert_network", "PL",
        "https://www.fennimore.example", None, "Fennimore Sp. z o.o.",
        "Professional developers reviewing code and RL environments."),
    VendorSpec("nettlebright", "Nettlebright Red Team", "evaluation", "US",
        "https://www.nettlebright.example", None, "Nettlebright Security LLC",
        "Adversarial testing and jailbreak audits of models."),
    VendorSpec("umberline", "Umberline Licensing", "data_broker", "GB", "https://www.umberline.example", None,
        "Umberline Licensing Ltd.", "Textbook and reference-work licensing for training."),
    VendorSpec("wrenfield", "Wrenfield Vault", "software", "SE", "https://www.wrenfield.example", None,
        "Wrenfield AB", "Secrets and key management service."),
    VendorSpec("drumlin", "Drumlin Helpdesk", "software", "AU", "https://www.drumlin.example", None,
        "Drumlin Software Pty Ltd", "Ticketing and support desk software."),
    VendorSpec("saltmarsh", "Saltmarsh Speech Corpus", "data_broker", "ZA", "https://www.saltmarsh.example",
        None, "Saltmarsh Speech (Pty) Ltd", "Consented conversational speech recordings."),
    VendorSpec("yarrowby", "Yarrowby Legal Review", "other", "US", "https://www.yarrowby.example", None,
        "Yarrowby Legal PLLC", "Outside counsel for data licences and processing agreements."),
]

DEPENDENCIES = [
    DependencySpec("vellumark", "annotrix", True, "Every Vellumark project runs in Annotrix workspaces."),
    DependencySpec("tallyforge_labeling", "annotrix", True, "Labeling queues hosted on Annotrix."),
    DependencySpec("brightquarry", "annotrix", True, "Human grading of eval transcripts in Annotrix."),
    DependencySpec("lexifold", "annotrix", True, "Transcription and translation tasks hosted on Annotrix."),
    DependencySpec("annotrix", "stratacask", True, "Workspace exports and backups stored at Stratacask."),
    DependencySpec("vellumark", "kestrelnet", True, "Model-assisted pre-labeling runs on Kestrelnet GPUs."),
    DependencySpec("vellumark", "ledgerlark", False, "Contractor payroll only; no lab data is passed on."),
    DependencySpec("tallyforge_labeling", "tallyforge_marketplace", True,
        "Annotators are sourced through the marketplace."),
    DependencySpec("thistledown", "stratacask", True, "Audio files archived at Stratacask."),
    # A cycle: the expert network, the eval builder and the synthetic-data vendor feed each other.
    DependencySpec("quorumwise", "rubricon", True, "Expert-reviewed items go into Rubricon eval suites."),
    DependencySpec("rubricon", "sablecrest", True, "Eval variants generated by Sablecrest."),
    DependencySpec("sablecrest", "quorumwise", True, "Synthetic samples checked by Quorumwise experts."),
]

# (lab, vendor, title, status, criticality, sensitivity, substitutability, data categories, annual value,
#  currency, start, end and disposal in days from today, notes)
ENGAGEMENTS = [
    # Northwind Intelligence Lab
    EngagementSpec("northwind", "vellumark", "RLHF preference labeling", "suspended", "critical",
        "restricted", "difficult", ("training_data",), 2_400_000, "EUR", -540, None, None,
        "Halted after the Vellumark workspace breach; waiting for the deletion certificate."),
    EngagementSpec("northwind", "vellumark", "Multilingual safety red-team prompts", "suspended", "high",
        "confidential", "moderate", ("training_data", "evaluation_benchmarks"), 600_000, "EUR", -300, None,
        None, "Halted with the rest of the Vellumark work."),
    EngagementSpec("northwind", "tallyforge_labeling", "Image caption quality review", "active", "medium",
        "confidential", "easy", ("training_data",), 350_000, "EUR", -400, 330, None, ""),
    EngagementSpec("northwind", "annotrix", "Annotation workspace licences", "active", "high", "confidential",
        "difficult", ("training_data", "credentials"), 180_000, "EUR", -700, None, None,
        "Used by the in-house labeling team."),
    EngagementSpec("northwind", "stratacask", "Cold archive of raw crawl snapshots", "active", "high",
        "internal", "moderate", ("training_data",), 90_000, "EUR", -900, None, None, ""),
    EngagementSpec("northwind", "quorumwise", "Domain expert panels for chemistry QA", "active", "medium",
        "confidential", "moderate", ("evaluation_benchmarks",), 220_000, "GBP", -250, None, None, ""),
    EngagementSpec("northwind", "pinecress", "Burst fine-tuning capacity", "active", "critical", "restricted",
        "moderate", ("model_weights", "training_data"), 3_100_000, "EUR", -200, 530, None, ""),
    EngagementSpec("northwind", "saltmarsh", "Licensed conversational speech corpus", "ended", "medium",
        "internal", "easy", ("training_data",), 75_000, "EUR", -800, -200, -150,
        "Deletion confirmed in writing."),
    EngagementSpec("northwind", "wrenfield", "Secrets vault for annotation pipeline", "active", "high",
        "restricted", "difficult", ("credentials", "source_code"), 40_000, "EUR", -600, None, None, ""),
    EngagementSpec("northwind", "orrery", "Reasoning benchmark licensing", "proposed", "low", "internal",
        "easy", ("evaluation_benchmarks",), 30_000, "EUR", 30, None, None, "Awaiting legal review."),
    EngagementSpec("northwind", "drumlin", "Contractor support ticketing", "active", "low", "internal",
        "easy", (), 12_000, "EUR", -1000, None, None, ""),
    EngagementSpec("northwind", "lexifold", "Low-resource language transcription", "ended", "medium",
        "confidential", "moderate", ("training_data", "personal_data"), 140_000, "EUR", -700, -90, None,
        "Contract ended; Lexifold has not yet confirmed deletion."),
    # Harborlight AI Research
    EngagementSpec("harborlight", "vellumark", "Math eval benchmark authoring", "active", "critical",
        "restricted", "none", ("evaluation_benchmarks",), 1_800_000, "USD", -420, None, None,
        "Held-out competition-level problems."),
    EngagementSpec("harborlight", "vellumark", "Code reasoning trajectories", "active", "high", "restricted",
        "difficult", ("training_data", "source_code"), 950_000, "USD", -180, None, None, ""),
    EngagementSpec("harborlight", "rubricon", "Held-out eval suite maintenance", "active", "high",
        "restricted", "difficult", ("evaluation_benchmarks",), 400_000, "USD", -500, None, None, ""),
    EngagementSpec("harborlight", "kestrelnet", "Inference overflow GPU reservation", "active", "critical",
        "confidential", "moderate", ("model_weights",), 5_200_000, "USD", -365, 365, None, ""),
    EngagementSpec("harborlight", "brightquarry", "Agentic task evaluation harness", "active", "medium",
        "confidential", "moderate", ("evaluation_benchmarks", "source_code"), 260_000, "USD", -160, None,
        None, ""),
    EngagementSpec("harborlight", "copperwick", "Graduate-level physics problem writing", "active", "high",
        "confidential", "difficult", ("evaluation_benchmarks", "training_data"), 310_000, "USD", -220, None,
        None, ""),
    EngagementSpec("harborlight", "marrowgate", "Licensed news archive feed", "active", "medium", "internal",
        "easy", ("training_data",), 500_000, "USD", -730, None, None, ""),
    EngagementSpec("harborlight", "yarrowby", "Dataset licence review", "active", "low", "internal", "easy",
        (), 45_000, "USD", -300, None, None, ""),
    EngagementSpec("harborlight", "nettlebright", "Pre-release red-team exercise", "ended", "high",
        "restricted", "moderate", ("model_weights", "evaluation_benchmarks"), 150_000, "USD", -260, -120,
        -100, "Weights access revoked and logs deleted."),
    EngagementSpec("harborlight", "tallyforge_marketplace", "Freelance prompt writers pool", "proposed",
        "medium", "confidential", "easy", ("training_data",), None, "", 14, None, None, ""),
    EngagementSpec("harborlight", "fennimore", "Code review of RL environments", "suspended", "medium",
        "confidential", "moderate", ("source_code",), 120_000, "USD", -200, None, -20,
        "Paused pending renewal; data returned."),
    EngagementSpec("harborlight", "umberline", "Textbook corpus licence", "ended", "low", "public", "easy",
        ("training_data",), 80_000, "USD", -1100, -400, -380, ""),
    # Quillfeather Labs
    EngagementSpec("quillfeather", "vellumark", "Synthetic dialogue pipeline co-development", "active",
        "high", "restricted", "difficult", ("synthetic_data_methods", "training_data"), 1_250_000, "EUR",
        -330, None, None, "Joint work on the synthetic-data recipe."),
    EngagementSpec("quillfeather", "vellumark", "Financial QA preference data", "proposed", "high",
        "confidential", "moderate", ("training_data",), 400_000, "EUR", 21, None, None,
        "On hold until the breach review ends."),
    EngagementSpec("quillfeather", "tallyforge_labeling", "Document layout bounding boxes", "active",
        "medium", "internal", "easy", ("training_data",), 210_000, "EUR", -280, None, None, ""),
    EngagementSpec("quillfeather", "lexifold", "Legal-domain translation review", "active", "medium",
        "confidential", "moderate", ("training_data",), 160_000, "EUR", -240, None, None, ""),
    EngagementSpec("quillfeather", "sablecrest", "Synthetic transaction records", "active", "high",
        "confidential", "difficult", ("synthetic_data_methods", "personal_data"), 380_000, "EUR", -410, None,
        None, ""),
    EngagementSpec("quillfeather", "rubricon", "Regulatory-compliance eval set", "active", "medium",
        "restricted", "moderate", ("evaluation_benchmarks",), 190_000, "EUR", -150, None, None, ""),
    EngagementSpec("quillfeather", "pinecress", "Sovereign training cluster", "active", "critical",
        "restricted", "none", ("model_weights", "training_data", "source_code"), 4_400_000, "EUR", -480, None,
        None, ""),
    EngagementSpec("quillfeather", "wrenfield", "Key management for model registry", "active", "high",
        "restricted", "difficult", ("credentials",), 55_000, "EUR", -520, None, None, ""),
    EngagementSpec("quillfeather", "drumlin", "Vendor onboarding helpdesk", "ended", "low", "internal",
        "easy", (), 8000, "EUR", -900, -300, None, ""),
    EngagementSpec("quillfeather", "orrery", "Long-context benchmark access", "active", "low", "public",
        "easy", ("evaluation_benchmarks",), 25_000, "EUR", -100, None, None, ""),
    EngagementSpec("quillfeather", "thistledown", "Earnings-call transcription", "suspended", "medium",
        "confidential", "easy", ("training_data", "personal_data"), 95_000, "EUR", -350, None, None,
        "Paused over a quality dispute."),
    EngagementSpec("quillfeather", "marrowgate", "Market data snapshot licence", "ended", "medium",
        "internal", "moderate", ("training_data",), 220_000, "EUR", -1000, -60, -30, ""),
    # Cindermoss Research
    EngagementSpec("cindermoss", "vellumark", "Clinical note de-identification QA", "ended", "high",
        "restricted", "moderate", ("personal_data", "training_data"), 700_000, "USD", -800, -120, -60,
        "Data deleted before the breach; certificate on file."),
    EngagementSpec("cindermoss", "thistledown", "Medical dictation transcription", "active", "high",
        "restricted", "difficult", ("personal_data", "training_data"), 520_000, "USD", -600, None, None,
        "Under a BAA."),
    EngagementSpec("cindermoss", "quorumwise", "Clinician expert review panels", "active", "high",
        "confidential", "difficult", ("evaluation_benchmarks", "personal_data"), 340_000, "USD", -300, None,
        None, ""),
    EngagementSpec("cindermoss", "brightquarry", "Medical QA benchmark scoring", "active", "medium",
        "confidential", "moderate", ("evaluation_benchmarks",), 130_000, "USD", -200, None, None, ""),
    EngagementSpec("cindermoss", "kestrelnet", "HIPAA-eligible GPU enclave", "active", "critical",
        "restricted", "difficult", ("model_weights", "personal_data"), 2_900_000, "USD", -450, None, None,
        ""),
    EngagementSpec("cindermoss", "stratacask", "Encrypted imaging archive", "active", "high", "restricted",
        "moderate", ("personal_data", "training_data"), 310_000, "USD", -700, None, None, ""),
    EngagementSpec("cindermoss", "sablecrest", "Synthetic patient cohorts", "proposed", "high", "restricted",
        "difficult", ("synthetic_data_methods", "personal_data"), 450_000, "USD", 45, None, None, ""),
    EngagementSpec("cindermoss", "yarrowby", "BAA and DPA review", "active", "low", "internal", "easy", (),
        20_000, "USD", -400, None, None, ""),
    EngagementSpec("cindermoss", "umberline", "Medical textbook licence", "active", "low", "public", "easy",
        ("training_data",), 60_000, "USD", -365, None, None, ""),
    EngagementSpec("cindermoss", "copperwick", "Pharmacology problem sets", "suspended", "medium",
        "confidential", "moderate", ("evaluation_benchmarks",), 90_000, "USD", -280, None, -10,
        "Paused; files returned."),
    EngagementSpec("cindermoss", "saltmarsh", "Patient-consented speech samples", "ended", "medium",
        "restricted", "moderate", ("personal_data",), 110_000, "USD", -900, -500, None,
        "Deletion never confirmed."),
    EngagementSpec("cindermoss", "annotrix", "Radiology annotation workspace", "active", "high", "restricted",
        "difficult", ("personal_data", "training_data"), 150_000, "USD", -500, None, None, ""),
    # Pellucid Reasoning Lab
    EngagementSpec("pellucid", "vellumark", "Agent trajectory grading", "active", "critical", "confidential",
        "difficult", ("training_data", "evaluation_benchmarks"), 880_000, "EUR", -260, None, None, ""),
    EngagementSpec("pellucid", "tallyforge_labeling", "Preference ranking overflow", "active", "high",
        "confidential", "moderate", ("training_data",), 300_000, "EUR", -190, None, None, ""),
    EngagementSpec("pellucid", "tallyforge_marketplace", "Domain expert sourcing", "active", "medium",
        "internal", "easy", (), 70_000, "EUR", -330, None, None, ""),
    EngagementSpec("pellucid", "quorumwise", "Expert-written eval rubrics", "active", "medium",
        "confidential", "moderate", ("evaluation_benchmarks",), 140_000, "GBP", -210, None, None, ""),
    EngagementSpec("pellucid", "rubricon", "Safety eval red-teaming", "proposed", "critical", "restricted",
        "difficult", ("evaluation_benchmarks", "model_weights"), 500_000, "EUR", 10, None, None, ""),
    EngagementSpec("pellucid", "fennimore", "Code solution verification", "active", "medium", "confidential",
        "easy", ("source_code", "training_data"), 160_000, "EUR", -170, None, None, ""),
    EngagementSpec("pellucid", "pinecress", "Pretraining cluster lease", "active", "critical", "restricted",
        "difficult", ("model_weights", "training_data"), 6_000_000, "EUR", -540, 190, None, ""),
    EngagementSpec("pellucid", "nettlebright", "Jailbreak robustness audit", "active", "high", "restricted",
        "moderate", ("model_weights",), 210_000, "EUR", -90, None, None, ""),
    EngagementSpec("pellucid", "lexifold", "Nordic language annotation", "suspended", "low", "internal",
        "easy", ("training_data",), 40_000, "EUR", -300, None, None, ""),
    EngagementSpec("pellucid", "drumlin", "Annotator support desk", "active", "low", "internal", "easy", (),
        9000, "EUR", -500, None, None, ""),
    EngagementSpec("pellucid", "orrery", "Benchmark contamination audit", "ended", "medium", "confidential",
        "moderate", ("evaluation_benchmarks",), 35_000, "EUR", -400, -200, -190, ""),
    EngagementSpec("pellucid", "marrowgate", "Web forum archive licence", "proposed", "low", "public",
        "moderate", ("training_data",), None, "", 60, None, None, ""),
]
# fmt: on

# The actor of every write; created first, before any lab exists.
ADMIN = UserSpec("admin", Role.ADMIN, all_labs=True, labs=None)
USERS = [
    UserSpec("security", Role.SECURITY, all_labs=True, labs=()),
    UserSpec("procurement", Role.PROCUREMENT, all_labs=True, labs=()),
    UserSpec("viewer", Role.VIEWER, all_labs=False, labs=("harborlight",)),
    UserSpec("analyst", Role.SECURITY, all_labs=False, labs=("northwind", "quillfeather")),
]
ENGAGEMENT_OWNER = "procurement"

INCIDENTS = [
    IncidentSpec(
        vendor="vellumark",
        title="Unauthorised access to Vellumark project workspaces",
        description=(
            "An attacker used a stolen contractor session to browse and export project workspaces. "
            "Vellumark confirmed that customer training data, evaluation benchmarks and synthetic-data "
            "pipeline documentation were exfiltrated for several customers."
        ),
        severity="critical",
        status="investigating",
        attack_vector="credential_theft",
        data_exposure="confirmed",
        data_categories_exposed=("training_data", "evaluation_benchmarks", "synthetic_data_methods"),
        records_affected=1_400_000,
        occurred_hours_ago=9 * 24,
        discovered_hours_ago=4 * 24,
        confirmed_hours_ago=3 * 24,
        updates=(
            "Vendor confirmed exfiltration from project workspaces; forensic firm engaged.",
            "Vendor rotated all contractor credentials and disabled workspace exports.",
        ),
    ),
    IncidentSpec(
        vendor="lexifold",
        title="Publicly readable transcription bucket at Lexifold",
        description="A storage bucket holding audio snippets and transcripts was readable without "
        "authentication for about two weeks. Access logs show limited downloads.",
        severity="medium",
        status="contained",
        attack_vector="misconfiguration",
        data_exposure="suspected",
        data_categories_exposed=("training_data", "personal_data"),
        records_affected=18_000,
        occurred_hours_ago=55 * 24,
        discovered_hours_ago=40 * 24,
        confirmed_hours_ago=39 * 24,
        updates=("Bucket made private; vendor reviewing access logs.",),
    ),
]
INCIDENT_REPORTED_NOTE = "Reported by the vendor's customer success team."

# fmt: off
RESPONSES = [
    ResponseSpec("vellumark", "northwind", "halt", "yes", 3 * 24,
        "Halted all work with Vellumark until it shows how the attacker got in and confirms deletion of our "
        "preference data. Contractors are stood down."),
    ResponseSpec("vellumark", "harborlight", "continue", "unknown", 3 * 24 - 5,
        "Benchmark authoring continues in a separate, newly provisioned workspace; the old workspace is "
        "frozen while the forensic report is pending."),
    ResponseSpec("vellumark", "quillfeather", "investigating", "unknown", 2 * 24,
        "Checking with Vellumark whether our synthetic-data pipeline documents were in the exported "
        "workspaces before deciding."),
]

# Used only when the shipped NIST questionnaire is not installed.
DEMO_QUESTIONNAIRE_SOURCE = "NIST SP 800-53r5 (abridged for the demo)"
DEMO_QUESTIONNAIRE_DESCRIPTION = (
    "A short built-in questionnaire used when the NIST questionnaire is not installed."
)
DEMO_QUESTIONS = [
    QuestionSpec("SR-1", "Policy",
        "Does the vendor maintain a documented supply chain risk management policy?", 1, "yes"),
    QuestionSpec("SR-2", "Planning", "Is there a supply chain risk management plan reviewed at least yearly?",
        1, "yes"),
    QuestionSpec("SR-3", "Controls", "Are supply chain controls and processes documented and enforced?",
        2, "partial"),
    QuestionSpec("SR-4", "Provenance",
        "Does the vendor track the provenance of the data and components it uses?", 2, "yes"),
    QuestionSpec("SR-5", "Acquisition",
        "Do contracts with subprocessors flow down the lab's security requirements?", 2, "no"),
    QuestionSpec("SR-6", "Reviews", "Are subprocessors assessed before onboarding and periodically after?",
        1, "partial"),
    QuestionSpec("SR-8", "Notification", "Will the vendor notify customers of a breach within 24 hours?",
        2, "yes"),
    QuestionSpec("SR-12", "Disposal",
        "Is customer data deleted or returned, with a certificate, at contract end?", 1, "yes"),
]
# Answers for other questions (the NIST questionnaire): drawn with SEED from these weights.
RANDOM_RESPONSE_WEIGHTS = {"yes": 60, "partial": 25, "no": 10, "na": 5}

ASSESSMENTS = [
    AssessmentSpec("annotrix", "completed", "security", -60, 1.0,
        "Annual review of the shared annotation platform."),
    AssessmentSpec("vellumark", "in_progress", "analyst", None, 0.5,
        "Post-breach reassessment of Vellumark."),
]

FINDINGS = [
    FindingSpec("annotrix", "Subprocessor contracts lack security flow-down terms", "high", "open",
        "security", -20, "Two storage subprocessors have no contractual breach-notification duty."),
    FindingSpec("annotrix", "Workspace export logs kept for only 7 days", "medium", "remediating", "security",
        45, "Retention to be raised to 90 days."),
]
# fmt: on
