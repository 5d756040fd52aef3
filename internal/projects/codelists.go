package projects

import (
	"slices"
	"strings"
)

// Code is one entry of a codelist: the code as records write it, and its
// name for people.
type Code struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Codelist is an ordered list of codes.
type Codelist []Code

// Has reports whether the list holds a code.
func (l Codelist) Has(code string) bool {
	return slices.ContainsFunc(l, func(c Code) bool { return c.Code == code })
}

// Title names a code, or returns the code itself when the list lacks it.
func (l Codelist) Title(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.Title
		}
	}
	return code
}

// Codes lists the codes.
func (l Codelist) Codes() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Code
	}
	return out
}

// The OC4IDS codelists a project record uses, from the Open Contracting for
// Infrastructure Data Standard 0.9 (projectStatus, projectType and
// projectSector; the financingArrangementType, milestoneType and
// documentType codes the register takes). Codes are facts; the titles are
// ours. A test checks each list against the official codelists when
// ../shared/standards/oc4ids is present.

// Statuses is the OC4IDS projectStatus codelist, in lifecycle order.
var Statuses = Codelist{
	{"identification", "Identification"},
	{"preparation", "Preparation"},
	{"implementation", "Implementation"},
	{"completion", "Completion"},
	{"maintenance", "In operation"},
	{"decommissioning", "Decommissioning"},
	{"decommissioned", "Decommissioned"},
	{"cancelled", "Cancelled"},
}

// Types is the OC4IDS projectType codelist.
var Types = Codelist{
	{"construction", "Construction of a new asset"},
	{"rehabilitation", "Rehabilitation"},
	{"replacement", "Replacement"},
	{"expansion", "Expansion"},
	{"decommissioning", "Decommissioning"},
}

// Sectors is the OC4IDS projectSector codelist. A subsector's code is its
// sector's code, a dot and a name ("transport.rail").
var Sectors = Codelist{
	{"education", "Education"},
	{"health", "Health"},
	{"energy", "Energy"},
	{"energy.solar", "Solar energy"},
	{"energy.wind", "Wind energy"},
	{"energy.hydropower", "Hydropower"},
	{"energy.biomass", "Biomass energy"},
	{"energy.geothermal", "Geothermal energy"},
	{"communications", "Communications"},
	{"waterAndWaste", "Water and waste"},
	{"governance", "Governance"},
	{"economy", "Economy"},
	{"cultureSportsAndRecreation", "Culture, sports and recreation"},
	{"transport", "Transport"},
	{"transport.air", "Air transport"},
	{"transport.water", "Water transport and ports"},
	{"transport.rail", "Rail transport"},
	{"transport.road", "Road transport"},
	{"transport.urban", "Urban transport"},
	{"transport.lowCarbon", "Low-carbon transport"},
	{"socialHousing", "Social housing"},
	{"naturalResources", "Natural resources"},
	{"naturalResources.floodProtection", "Flood protection"},
}

// SectorParent returns the sector of a subsector code ("transport" for
// "transport.rail"), or "" for a top-level code.
func SectorParent(code string) string {
	if i := strings.IndexByte(code, '.'); i > 0 {
		return code[:i]
	}
	return ""
}

// Instruments are the kinds of financing: the OC4IDS
// financingArrangementType codes, and three of the register's own for what
// that codelist has no code for (exported without a type).
var Instruments = Codelist{
	{"loan", "Loan"},
	{"grant", "Grant"},
	{"bond", "Bond"},
	{"hybrid", "Hybrid (mezzanine)"},
	{"shares.listed", "Listed shares"},
	{"shares.unlisted", "Equity (unlisted shares)"},
	{"guarantee", "Guarantee"},
	{"technical-assistance", "Technical assistance in kind"},
	{"public-budget", "Public budget"},
	{"other", "Other or not known"},
}

// oc4idsInstruments are the Instruments that are OC4IDS
// financingArrangementType codes.
var oc4idsInstruments = []string{"loan", "grant", "bond", "hybrid", "shares.listed", "shares.unlisted", "guarantee"}

// IsOC4IDSInstrument reports whether an instrument is an OC4IDS
// financingArrangementType code.
func IsOC4IDSInstrument(code string) bool { return slices.Contains(oc4idsInstruments, code) }

// MilestoneTypes is the OC4IDS milestoneType codelist.
var MilestoneTypes = Codelist{
	{"preProcurement", "Pre-procurement"},
	{"approval", "Approval"},
	{"engagement", "Engagement"},
	{"assessment", "Assessment"},
	{"delivery", "Delivery"},
	{"reporting", "Reporting"},
	{"financing", "Financing"},
	{"payment", "Payment"},
	{"procurement", "Procurement"},
	{"contractClose", "Contract close"},
}

// DocumentTypes are the OC4IDS documentType codes the register takes: those
// that describe a project as a whole rather than one procurement.
var DocumentTypes = Codelist{
	{"feasibilityStudy", "Feasibility study"},
	{"environmentalImpact", "Environmental impact assessment"},
	{"socialImpact", "Social impact assessment"},
	{"landAndSettlementImpact", "Land and settlement impact"},
	{"resettlementPlan", "Resettlement plan"},
	{"projectPlan", "Project plan"},
	{"projectScope", "Project scope"},
	{"designReport", "Design report"},
	{"costBenefitAnalysis", "Cost–benefit analysis"},
	{"budgetApproval", "Budget approval"},
	{"financialAgreement", "Financing agreement"},
	{"contractSigned", "Signed contract"},
	{"contractSummary", "Contract summary"},
	{"physicalProgressReport", "Physical progress report"},
	{"financialProgressReport", "Financial progress report"},
	{"performanceReport", "Performance report"},
	{"projectEvaluation", "Project evaluation"},
	{"technicalAuditReport", "Technical audit"},
	{"financialAuditReport", "Financial audit"},
	{"oversightReport", "Oversight report"},
	{"completionCertificate", "Completion certificate"},
	{"cancellationDetails", "Cancellation details"},
	{"hearingNotice", "Public hearing notice"},
	{"consultationMeetingInvitation", "Consultation invitation"},
	{"minutes.consultationMeeting", "Consultation minutes"},
	{"illustration", "Illustration"},
}

// The register's own codelists.

// SponsorTypes are the kinds of sponsor. The argument for the register
// separates state-owned enterprises from private companies: failed private
// ventures under the Belt and Road label tarnish it, and state-owned
// sponsors are expected to reach out to local communities.
var SponsorTypes = Codelist{
	{"state-owned-enterprise", "State-owned enterprise"},
	{"private-company", "Private company"},
	{"government", "Government"},
	{"policy-bank", "Policy bank"},
	{"unclassified", "Not classified"},
}

// SponsorRoles are what a sponsor does for a project.
var SponsorRoles = Codelist{
	{"owner", "Owner"},
	{"developer", "Developer"},
	{"investor", "Investor"},
	{"funder", "Funder"},
	{"lender", "Lender"},
	{"contractor", "Contractor"},
	{"operator", "Operator"},
	{"implementer", "Implementing agency"},
}

// Halts are the ways a project stops without being cancelled.
var Halts = Codelist{
	{"stalled", "Stalled"},
	{"suspended", "Suspended"},
}

// MilestoneStatuses say whether a milestone happened.
var MilestoneStatuses = Codelist{
	{"met", "Met"},
	{"scheduled", "Scheduled"},
	{"not-met", "Not met"},
}

// OutreachTypes are the kinds of community outreach.
var OutreachTypes = Codelist{
	{"consultation", "Public consultation"},
	{"community-programme", "Community programme"},
	{"csr", "Corporate social responsibility"},
}

// CommentStances are how a host authority comments on an outreach report.
var CommentStances = Codelist{
	{"confirms", "Confirms the report"},
	{"disputes", "Disputes the report"},
	{"adds", "Adds information"},
}

// Currencies are the ISO 4217 alphabetic codes of the currencies in use
// (funds and precious metals left out). A test checks that each is in the
// OC4IDS currency codelist, so that exports validate.
var Currencies = strings.Fields(`
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV
WST XAF XCD XOF XPF YER ZAR ZMW`)

// ISO2 maps the register's states (ISO 3166-1 alpha-3, lower case) to
// their ISO 3166-1 alpha-2 codes, which IATI uses.
var ISO2 = map[string]string{
	"brn": "BN", "khm": "KH", "idn": "ID", "lao": "LA", "mys": "MY", "mmr": "MM",
	"phl": "PH", "sgp": "SG", "tha": "TH", "vnm": "VN", "tls": "TL", "chn": "CN",
}

// countryAliases are other names outside data gives the register's states,
// in the normal form of normName.
var countryAliases = map[string]string{
	"brunei": "brn", "brunei darussalam": "brn",
	"cambodia": "khm", "kingdom of cambodia": "khm",
	"indonesia": "idn", "republic of indonesia": "idn",
	"laos": "lao", "lao pdr": "lao", "lao peoples democratic republic": "lao",
	"malaysia": "mys",
	"myanmar":  "mmr", "burma": "mmr", "myanmar burma": "mmr",
	"philippines": "phl", "the philippines": "phl", "republic of the philippines": "phl",
	"singapore": "sgp", "republic of singapore": "sgp",
	"thailand": "tha", "kingdom of thailand": "tha",
	"viet nam": "vnm", "vietnam": "vnm", "socialist republic of viet nam": "vnm",
	"timor-leste": "tls", "timor leste": "tls", "east timor": "tls", "democratic republic of timor-leste": "tls",
	"china": "chn", "peoples republic of china": "chn", "prc": "chn",
}

// normName folds a country name for matching: lower case, apostrophes and
// brackets dropped, runs of spaces and commas made one space.
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("'", "", "’", "", "(", " ", ")", " ", ",", " ", ".", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// CountryCode finds the state a country name means: one of names (the
// register's own state names by code) or a known alias. ok is false when
// the name means none.
func CountryCode(name string, names map[string]string) (string, bool) {
	n := normName(name)
	if n == "" {
		return "", false
	}
	for code, sn := range names {
		if normName(sn) == n || code == n {
			return code, true
		}
	}
	code, ok := countryAliases[n]
	return code, ok
}
