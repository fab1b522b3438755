from django.db import models


class Regime(models.TextChoices):
    GDPR = "gdpr", "GDPR"
    NIS2 = "nis2", "NIS2"
    DORA = "dora", "DORA"
    SEC = "sec", "SEC"
    HIPAA = "hipaa", "HIPAA"


class VendorCategory(models.TextChoices):
    DATA_LABELING = "data_labeling", "Data labeling"
    DATA_BROKER = "data_broker", "Data broker"
    EXPERT_NETWORK = "expert_network", "Expert network"
    EVALUATION = "evaluation", "Evaluation"
    COMPUTE = "compute", "Compute"
    SOFTWARE = "software", "Software"
    OTHER = "other", "Other"


class VendorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    OFFBOARDED = "offboarded", "Offboarded"


class EngagementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class DataSensitivity(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class Substitutability(models.TextChoices):
    EASY = "easy", "Easy"
    MODERATE = "moderate", "Moderate"
    DIFFICULT = "difficult", "Difficult"
    NONE = "none", "None"


class DataCategory(models.TextChoices):
    TRAINING_DATA = "training_data", "Training data"
    EVALUATION_BENCHMARKS = "evaluation_benchmarks", "Evaluation benchmarks"
    SYNTHETIC_DATA_METHODS = "synthetic_data_methods", "Synthetic-data methods"
    MODEL_WEIGHTS = "model_weights", "Model weights"
    SOURCE_CODE = "source_code", "Source code"
    PERSONAL_DATA = "personal_data", "Personal data"
    CREDENTIALS = "credentials", "Credentials"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


EXPOSING_AFTER_STOP = (EngagementStatus.SUSPENDED, EngagementStatus.ENDED)


# --- Register of information (DORA, DESIGN.md section 10). API values here; the EBA codes they are
# reported as live once, in register/templates.py.


class DoraEntityType(models.TextChoices):
    CREDIT_INSTITUTION = "credit_institution", "Credit institution"
    INVESTMENT_FIRM = "investment_firm", "Investment firm"
    PAYMENT_INSTITUTION = "payment_institution", "Payment institution"
    EMONEY_INSTITUTION = "emoney_institution", "Electronic money institution"
    ACCOUNT_INFORMATION = "account_information", "Account information service provider"
    CRYPTO_ASSET = "crypto_asset", "Crypto-asset service provider"
    CSD = "csd", "Central securities depository"
    CCP = "ccp", "Central counterparty"
    TRADING_VENUE = "trading_venue", "Trading venue"
    TRADE_REPOSITORY = "trade_repository", "Trade repository"
    AIFM = "aifm", "Manager of alternative investment funds"
    MANAGEMENT_COMPANY = "management_company", "Asset management company"
    DATA_REPORTING = "data_reporting", "Data reporting service provider"
    INSURANCE = "insurance", "Insurance and reinsurance undertaking"
    INSURANCE_INTERMEDIARY = "insurance_intermediary", "Insurance intermediary"
    IORP = "iorp", "Institution for occupational retirement provision"
    CREDIT_RATING = "credit_rating", "Credit rating agency"
    BENCHMARK_ADMIN = "benchmark_admin", "Administrator of critical benchmarks"
    CROWDFUNDING = "crowdfunding", "Crowdfunding service provider"
    SECURITISATION_REPOSITORY = "securitisation_repository", "Securitisation repository"
    ART_ISSUER = "art_issuer", "Issuer of asset-referenced tokens"
    OTHER_FINANCIAL = "other_financial", "Other financial entity"
    NON_FINANCIAL_ICT_INTRAGROUP = "non_financial_ict_intragroup", "Non-financial: ICT intra-group provider"
    NON_FINANCIAL_OTHER = "non_financial_other", "Non-financial: other"


class IdentifierType(models.TextChoices):
    LEI = "lei", "LEI"
    EUID = "euid", "EUID"
    VAT = "vat", "VAT number"
    CRN = "crn", "Company registration number"
    OTHER = "other", "Other"


class PersonType(models.TextChoices):
    LEGAL = "legal", "Legal person"
    NATURAL = "natural", "Individual acting in a business capacity"


class ArrangementType(models.TextChoices):
    STANDALONE = "standalone", "Standalone"
    OVERARCHING = "overarching", "Overarching"
    SUBSEQUENT = "subsequent", "Subsequent or associated"


ICTServiceType = models.TextChoices(
    "ICTServiceType",
    [
        (f"S{n:02d}", (f"S{n:02d}", f"S{n:02d}: {label}"))
        for n, label in enumerate(
            [
                "ICT project management",
                "ICT development",
                "ICT help desk and first level support",
                "ICT security management services",
                "Provision of data",
                "Data analysis",
                "ICT facilities and hosting (excluding cloud)",
                "Computation",
                "Non-cloud data storage",
                "Telecom carrier",
                "Network infrastructure",
                "Hardware and physical devices",
                "Software licencing (excluding SaaS)",
                "ICT operation management (including maintenance)",
                "ICT consulting",
                "ICT risk management",
                "Cloud services: IaaS",
                "Cloud services: PaaS",
                "Cloud services: SaaS",
            ],
            start=1,
        )
    ],
)


class TerminationReason(models.TextChoices):
    EXPIRED = "expired", "Not for cause: expired and not renewed"
    PROVIDER_BREACH = "provider_breach", "For cause: provider in breach of law, regulation or contract"
    IMPEDIMENTS = "impediments", "For cause: impediments of the provider altering the function"
    DATA_SECURITY = "data_security", "For cause: provider's weaknesses in data management and security"
    AUTHORITY_REQUEST = "authority_request", "As requested by the competent authority"
    OTHER = "other", "Other reasons"


class RelianceLevel(models.TextChoices):
    NOT_SIGNIFICANT = "not_significant", "Not significant"
    LOW = "low", "Low reliance"
    MATERIAL = "material", "Material reliance"
    FULL = "full", "Full reliance"


class NonSubstitutableReason(models.TextChoices):
    """Why a vendor is not or hardly substitutable (register template B_07.01, column c0060)."""

    NO_ALTERNATIVES = "no_alternatives", "Lack of real alternatives"
    MIGRATION = "migration", "Difficulties in migrating or reintegrating"
    BOTH = "both", "Lack of real alternatives and difficulties in migrating or reintegrating"


class Reintegration(models.TextChoices):
    EASY = "easy", "Easy"
    DIFFICULT = "difficult", "Difficult"
    HIGHLY_COMPLEX = "highly_complex", "Highly complex"


class DiscontinuationImpact(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    NOT_ASSESSED = "not_assessed", "Assessment not performed"


class CriticalOrImportant(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASSESSED = "not_assessed", "Assessment not performed"


def _codes(*spans) -> tuple[str, ...]:
    out = []
    for span in spans:
        lo, hi = span if isinstance(span, tuple) else (span, span)
        out.extend(f"x{n}" for n in range(lo, hi + 1))
    return tuple(out)


# The licensed activities of the EBA closed list (LIST0601020), reported as `eba_TA:<code>`.
LICENSED_ACTIVITIES = _codes(28, 104, (133, 134), (136, 141), 143, 144, 146, 147, (162, 275))
