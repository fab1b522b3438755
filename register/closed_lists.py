"""The EBA DORA closed lists (Implementing Regulation (EU) 2024/2956, Annex III; EBA taxonomy 4.0 members):
our API values and the members they are reported as."""

from vendors.choices import (
    ArrangementType,
    CriticalOrImportant,
    DataSensitivity,
    DiscontinuationImpact,
    DoraEntityType,
    IdentifierType,
    NonSubstitutableReason,
    PersonType,
    Reintegration,
    RelianceLevel,
    Substitutability,
    TerminationReason,
)

NOT_APPLICABLE_COUNTRY = "eba_GA:qx2007"  # EBA FAQ: key country columns are never empty
OPEN_END = "9999-12-31"
YES, NO, NOT_ASSESSED = "eba_BT:x28", "eba_BT:x29", "eba_BT:x21"

# --- closed lists: our API value → EBA member --------------------------------------------------------
ENTITY_TYPE = {
    DoraEntityType.CREDIT_INSTITUTION: "eba_CT:x12",
    DoraEntityType.INVESTMENT_FIRM: "eba_CT:x599",
    DoraEntityType.PAYMENT_INSTITUTION: "eba_CT:x300",
    DoraEntityType.ACCOUNT_INFORMATION: "eba_CT:x301",
    DoraEntityType.EMONEY_INSTITUTION: "eba_CT:x302",
    DoraEntityType.CRYPTO_ASSET: "eba_CT:x303",
    DoraEntityType.CSD: "eba_CT:x304",
    DoraEntityType.TRADING_VENUE: "eba_CT:x305",
    DoraEntityType.TRADE_REPOSITORY: "eba_CT:x306",
    DoraEntityType.AIFM: "eba_CT:x307",
    DoraEntityType.DATA_REPORTING: "eba_CT:x308",
    DoraEntityType.INSURANCE: "eba_CT:x309",
    DoraEntityType.ART_ISSUER: "eba_CT:x310",
    DoraEntityType.IORP: "eba_CT:x311",
    DoraEntityType.CREDIT_RATING: "eba_CT:x312",
    DoraEntityType.BENCHMARK_ADMIN: "eba_CT:x313",
    DoraEntityType.CROWDFUNDING: "eba_CT:x314",
    DoraEntityType.SECURITISATION_REPOSITORY: "eba_CT:x315",
    DoraEntityType.OTHER_FINANCIAL: "eba_CT:x316",
    DoraEntityType.NON_FINANCIAL_ICT_INTRAGROUP: "eba_CT:x317",
    DoraEntityType.NON_FINANCIAL_OTHER: "eba_CT:x318",
    DoraEntityType.INSURANCE_INTERMEDIARY: "eba_CT:x320",
    DoraEntityType.MANAGEMENT_COMPANY: "eba_CT:x639",
    DoraEntityType.CCP: "eba_CT:x643",
}
HIERARCHY = {"ultimate_parent": "eba_RP:x53", "parent": "eba_RP:x551", "subsidiary": "eba_RP:x56"}
ARRANGEMENT_TYPE = {
    ArrangementType.STANDALONE: "eba_CO:x1",
    ArrangementType.OVERARCHING: "eba_CO:x2",
    ArrangementType.SUBSEQUENT: "eba_CO:x3",
}
TERMINATION_REASON = {
    TerminationReason.EXPIRED: "eba_CO:x4",
    TerminationReason.PROVIDER_BREACH: "eba_CO:x5",
    TerminationReason.IMPEDIMENTS: "eba_CO:x6",
    TerminationReason.DATA_SECURITY: "eba_CO:x7",
    TerminationReason.AUTHORITY_REQUEST: "eba_CO:x8",
    TerminationReason.OTHER: "eba_CO:x9",
}
ICT_SERVICE = {f"S{n:02d}": f"eba_TA:S{n:02d}" for n in range(1, 20)}
SENSITIVENESS = {  # our data sensitivity → the register's low / medium / high
    DataSensitivity.PUBLIC: "eba_ZZ:x791",
    DataSensitivity.INTERNAL: "eba_ZZ:x791",
    DataSensitivity.CONFIDENTIAL: "eba_ZZ:x792",
    DataSensitivity.RESTRICTED: "eba_ZZ:x793",
}
RELIANCE = {
    RelianceLevel.NOT_SIGNIFICANT: "eba_ZZ:x794",
    RelianceLevel.LOW: "eba_ZZ:x795",
    RelianceLevel.MATERIAL: "eba_ZZ:x796",
    RelianceLevel.FULL: "eba_ZZ:x797",
}
NATURE_NOT_BRANCH = "eba_ZZ:x839"
PERSON_TYPE = {PersonType.LEGAL: "eba_CT:x212", PersonType.NATURAL: "eba_CT:x213"}
CRITICAL = {
    CriticalOrImportant.YES: YES,
    CriticalOrImportant.NO: NO,
    CriticalOrImportant.NOT_ASSESSED: NOT_ASSESSED,
}
IMPACT = {
    DiscontinuationImpact.LOW: "eba_ZZ:x791",
    DiscontinuationImpact.MEDIUM: "eba_ZZ:x792",
    DiscontinuationImpact.HIGH: "eba_ZZ:x793",
    DiscontinuationImpact.NOT_ASSESSED: "eba_ZZ:x799",
}
SUBSTITUTABILITY = {
    Substitutability.NONE: "eba_ZZ:x959",
    Substitutability.DIFFICULT: "eba_ZZ:x960",
    Substitutability.MODERATE: "eba_ZZ:x961",
    Substitutability.EASY: "eba_ZZ:x962",
}
NON_SUBSTITUTABLE_REASON = {
    NonSubstitutableReason.NO_ALTERNATIVES: "eba_ZZ:x963",
    NonSubstitutableReason.MIGRATION: "eba_ZZ:x964",
    NonSubstitutableReason.BOTH: "eba_ZZ:x965",
}
REINTEGRATION = {
    Reintegration.EASY: "eba_ZZ:x798",
    Reintegration.DIFFICULT: "eba_ZZ:x966",
    Reintegration.HIGHLY_COMPLEX: "eba_ZZ:x967",
}
# The EBA list of code types (LISTIDTYPE): qx2000 LEI, qx2001 national code, qx2002 EUID, qx2003 CRN,
# qx2004 VAT, qx2005 passport number. Our "other" identifier is reported as a national code.
IDENTIFIER_TYPE = {
    IdentifierType.LEI: "eba_qCO:qx2000",
    IdentifierType.OTHER: "eba_qCO:qx2001",
    IdentifierType.EUID: "eba_qCO:qx2002",
    IdentifierType.CRN: "eba_qCO:qx2003",
    IdentifierType.VAT: "eba_qCO:qx2004",
}
# B_01.01 lists financial entities only; B_01.02 adds the two non-financial types (x317 ICT intra-group
# service provider, x318 other).
NON_FINANCIAL_ENTITY_TYPES = ("eba_CT:x317", "eba_CT:x318")


def identifier_type_code(identifier_type: str) -> str:
    """The EBA member of a code type ("" when the vendor has no identifier)."""
    return IDENTIFIER_TYPE.get(identifier_type, identifier_type)


def members(mapping: dict) -> tuple[str, ...]:
    return tuple(dict.fromkeys(mapping.values()))
