"""Namespaces, OIDs and code values of ICH E2B(R3) (see shared/e2b/NOTES.md, sections 1 and 5)."""

from __future__ import annotations

HL7_NS = "urn:hl7-org:v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: HL7_NS, "xsi": XSI_NS}
XP_NS = {"h": HL7_NS, "xsi": XSI_NS}
XSI_TYPE = f"{{{XSI_NS}}}type"

ICH = "2.16.840.1.113883.3.989.2.1"
# Identifier roots (…3.N)
OID_C_1_1 = f"{ICH}.3.1"  # also N.2.r.1 and ACK target message
OID_C_1_8_1 = f"{ICH}.3.2"
OID_C_1_9_1_R = f"{ICH}.3.3"
OID_AUTH_NO = f"{ICH}.3.4"
OID_SPONSOR_STUDY_NO = f"{ICH}.3.5"  # C.5.3
OID_STUDY_REGISTRATION = f"{ICH}.3.6"  # C.5.1.r.1
OID_MSG_SENDER = f"{ICH}.3.11"
OID_MSG_RECEIVER = f"{ICH}.3.12"
OID_BATCH_SENDER = f"{ICH}.3.13"
OID_BATCH_RECEIVER = f"{ICH}.3.14"
OID_ACK_MSG_SENDER = f"{ICH}.3.15"
OID_ACK_MSG_RECEIVER = f"{ICH}.3.16"
OID_ACK_BATCH_SENDER = f"{ICH}.3.17"
OID_ACK_BATCH_RECEIVER = f"{ICH}.3.18"
OID_ACK_LOCAL_REPORT = f"{ICH}.3.19"
OID_ACK_BATCH_NO = f"{ICH}.3.20"
OID_ACK_LOCAL_MESSAGE = f"{ICH}.3.21"
OID_BATCH_NO = f"{ICH}.3.22"

# Code lists (…1.1.N)
CL_MESSAGE_TYPE = f"{ICH}.1.1"
CL_REPORT_TYPE = f"{ICH}.1.2"
CL_FIRST_SENDER = f"{ICH}.1.3"
CL_NULLIFICATION = f"{ICH}.1.5"
CL_QUALIFICATION = f"{ICH}.1.6"
CL_SENDER_TYPE = f"{ICH}.1.7"
CL_STUDY_TYPE = f"{ICH}.1.8"
CL_AGE_GROUP = f"{ICH}.1.9"
CL_OUTCOME = f"{ICH}.1.11"
CL_DRUG_ROLE = f"{ICH}.1.13"
CL_ACTION_TAKEN = f"{ICH}.1.15"
CL_OBSERVATION = f"{ICH}.1.19"
CL_ORGANIZER = f"{ICH}.1.20"
CL_ASSIGNED_ROLE = f"{ICH}.1.21"
CL_REPORT_RELATION = f"{ICH}.1.22"
CL_REPORT_CHARACTERISTIC = f"{ICH}.1.23"
CL_ACK_KEYWORD = f"{ICH}.1.24"
CL_DOCUMENT_TYPE = f"{ICH}.1.27"

MEDDRA_OID = "2.16.840.1.113883.6.163"
COUNTRY_OID = "1.0.3166.1.2.2"
LANGUAGE_OID = "1.0.639.2"
SEX_OID = "1.0.5218"
UCUM_OID = "2.16.840.1.113883.6.8"
EDQM_ROUTE_OID = "0.4.0.127.0.16.1.1.2.6"
EDQM_FORM_OID = "0.4.0.127.0.16.1.1.2.1"
HL7_ACT_CODE = "2.16.840.1.113883.5.4"
HL7_INTERACTION = "2.16.840.1.113883.1.6"
HL7_TRIGGER = "2.16.840.1.113883.1.18"
NCI_OID = "2.16.840.1.113883.3.26.1.1"
FDA_LOCAL_REPORT_TYPE = "2.16.840.1.113883.3.989.5.1.2.2.1.1.1"
FDA_OBSERVATION = "2.16.840.1.113883.3.989.5.1.2.2.1.3"
# FDA pre-market study numbers (studyRegistration id roots)
FDA_IND = "2.16.840.1.113883.3.989.5.1.2.2.1.2.1"  # FDA.C.5.5a IND number where the AE occurred
FDA_PRE_ANDA = "2.16.840.1.113883.3.989.5.1.2.2.1.2.2"  # FDA.C.5.5b pre-ANDA number
FDA_CROSS_REPORTED_IND = "2.16.840.1.113883.3.989.5.1.2.2.1.2.3"  # FDA.C.5.6.r
FDA_SIMILAR_DEVICE = "2.16.840.1.113883.3.989.5.1.2.1.1.8"  # FDA.G.k.1.a (1 = similar device)

# Observation codes (list …1.1.19) used on the case
OBS_ADDITIONAL_DOCS = "1"
OBS_AGE = "3"
OBS_AGE_GROUP = "4"
OBS_WEIGHT = "7"
OBS_COMMENT = "10"
OBS_CONTINUING = "13"
OBS_HEIGHT = "17"
OBS_HISTORY_TEXT = "18"
OBS_INDICATION = "19"
OBS_CAUSALITY_ROLE = "20"
OBS_EXPEDITED = "23"
OBS_OUTCOME = "27"
OBS_REACTION = "29"
OBS_TRANSLATION = "30"
OBS_FAMILY_HISTORY = "38"
OBS_CAUSALITY = "39"
OBS_ADDITIONAL_INFO = "2"
OBS_AUTOPSY = "5"
OBS_AUTOPSY_CAUSE = "8"
OBS_REPORTED_CAUSE_OF_DEATH = "32"

# E.i.3.2a-f seriousness criteria -> observation code
SERIOUSNESS_CODES = {
    "death": "34",
    "life_threatening": "21",
    "hospitalisation": "33",
    "disability": "35",
    "congenital_anomaly": "12",
    "other_medically_important": "26",
}
SERIOUSNESS_ELEMENTS = {
    "34": "E.i.3.2a",
    "21": "E.i.3.2b",
    "33": "E.i.3.2c",
    "35": "E.i.3.2d",
    "12": "E.i.3.2e",
    "26": "E.i.3.2f",
}

# FDA regional observation codes (NCI thesaurus), as FDA's own example instances use them.
FDA_LOCAL_REPORT_TYPE_CODE = "C54588"
FDA_COMBINATION_PRODUCT_CODE = "C156384"
FDA_RACE_CODE = "C17049"
FDA_ETHNICITY_CODE = "C16564"
FDA_REQUIRED_INTERVENTION_CODE = "7"

NULL_FLAVORS = frozenset({"NI", "MSK", "UNK", "NA", "ASKU", "NASK", "NINF", "PINF", "OTH"})
