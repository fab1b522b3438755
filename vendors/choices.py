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
