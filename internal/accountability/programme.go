package accountability

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/kongsi/kongsi/internal/i18n"
	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/problem"
)

// The kinds of programmes.
const (
	KindProgramme    = "programme"
	KindDelivery     = "programme.delivery"
	KindConfirmation = "programme.confirmation"
)

var (
	programmeSubject    = regexp.MustCompile(`^programmes/` + slug + `$`)
	deliverySubject     = regexp.MustCompile(`^programmes/` + slug + `/deliveries/` + slug + `$`)
	confirmationSubject = regexp.MustCompile(`^programmes/` + slug + `/deliveries/` + slug + `/confirmation$`)
)

// Programme is a programme's body.
type Programme struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Provider    string   `json:"provider"`
	Recipients  []string `json:"recipients"`
	AnnouncedIn string   `json:"announced_in"`
	AnnouncedOn string   `json:"announced_on"`
	Targets     []Target `json:"targets"`
	Commitment  string   `json:"commitment,omitempty"`
	Sources     []Source `json:"sources"`
	ChangeNote  string   `json:"change_note,omitempty"`
}

// Target is what a programme aims to deliver, to one recipient or to all.
type Target struct {
	Measure   string  `json:"measure"`
	Unit      string  `json:"unit"`
	Value     float64 `json:"value"`
	Recipient string  `json:"recipient,omitempty"`
	By        string  `json:"by,omitempty"`
}

// Delivery is a delivery's body.
type Delivery struct {
	Recipient   string   `json:"recipient"`
	Measure     string   `json:"measure"`
	Value       float64  `json:"value"`
	PeriodFrom  string   `json:"period_from,omitempty"`
	DeliveredOn string   `json:"delivered_on"`
	Description string   `json:"description"`
	Sources     []Source `json:"sources,omitempty"`
	ChangeNote  string   `json:"change_note,omitempty"`
}

// Confirmation is a confirmation's body.
type Confirmation struct {
	Confirmed      bool     `json:"confirmed"`
	ConfirmedValue *float64 `json:"confirmed_value,omitempty"`
	ConfirmedOn    string   `json:"confirmed_on"`
	Note           string   `json:"note,omitempty"`
}

// ProgrammeState is what the ledger keeps of a programme.
type ProgrammeState struct {
	Provider   string
	Recipients []string
	Measures   []string
}

// DeliveryState is what the ledger keeps of a delivery.
type DeliveryState struct{ Recipient string }

func programmeKinds() []*ledger.Kind {
	return []*ledger.Kind{
		{
			Name: KindProgramme, Title: "Programme",
			Doc:         "A capacity-building programme: its provider, recipients and targets. Published and updated by the provider (an authority speaks for its state with the \"governance\" or \"development\" role).",
			Schema:      schema(KindProgramme),
			Subject:     programmeSubject,
			SubjectHelp: "programmes/<programme>",
			Check:       checkProgramme,
			Roles:       rolesDevelopment,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var p Programme
				json.Unmarshal(b, &p)
				return p.Title
			},
		},
		{
			Name: KindDelivery, Title: "Delivery",
			Doc:         "What a programme's provider delivered to one recipient, in one of the programme's measures. Reported by the provider; refers to the programme's latest version with rel \"about\".",
			Schema:      schema(KindDelivery),
			Subject:     deliverySubject,
			SubjectHelp: "programmes/<programme>/deliveries/<delivery>",
			Check:       checkDelivery,
			Roles:       rolesDevelopment,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var d Delivery
				json.Unmarshal(b, &d)
				return l.T("Delivery to %s: %s %s, %s", l.Country(d.Recipient, d.Recipient), formatValue(d.Value), d.Measure, d.DeliveredOn)
			},
		},
		{
			Name: KindConfirmation, Title: "Confirmation of delivery",
			Doc:         "The recipient's confirmation (or not) of a delivery. Only the recipient (or an authority speaking for the receiving state) confirms; refers to the delivery's latest version with rel \"about\".",
			Schema:      schema(KindConfirmation),
			Subject:     confirmationSubject,
			SubjectHelp: "programmes/<programme>/deliveries/<delivery>/confirmation",
			Check:       checkConfirmation,
			Roles:       rolesDevelopment,
			Summary: func(l *i18n.Locale, b json.RawMessage) string {
				var c Confirmation
				json.Unmarshal(b, &c)
				if !c.Confirmed {
					return l.T("Delivery not confirmed, %s", c.ConfirmedOn)
				}
				if c.ConfirmedValue != nil {
					return l.T("Delivery confirmed for %s, %s", formatValue(*c.ConfirmedValue), c.ConfirmedOn)
				}
				return l.T("Delivery confirmed, %s", c.ConfirmedOn)
			},
		},
	}
}

func checkProgramme(c *ledger.Context) (any, error) {
	var b Programme
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	if err := requireParty(c, "body.provider", "programme.provider-unknown", b.Provider); err != nil {
		return nil, err
	}
	if err := requirePartyList(c, "body.recipients", "programme.recipient-unknown", b.Recipients); err != nil {
		return nil, err
	}
	if slices.Contains(b.Recipients, b.Provider) {
		return nil, problem.Invalid("body.recipients", "programme.recipient-is-provider", "%q provides the programme and cannot also receive it: a delivery is confirmed by someone other than who reports it", b.Provider)
	}
	if c.Head != nil {
		if prev := c.Head.Data.(*ProgrammeState); prev.Provider != b.Provider {
			return nil, problem.Invalid("body.provider", "programme.provider-fixed", "the provider of a programme does not change (it is %q)", prev.Provider)
		}
	}
	if !actsFor(c.Author(), b.Provider, rolesDevelopment) {
		return nil, forbidActing(c, "author", "programme.not-provider", "a programme is published by its provider", []string{b.Provider}, rolesDevelopment)
	}
	type key struct{ measure, recipient string }
	seen := map[key]bool{}
	var measures []string
	for i, t := range b.Targets {
		field := fmt.Sprintf("body.targets[%d]", i)
		if t.Recipient != "" && !slices.Contains(b.Recipients, t.Recipient) {
			return nil, problem.Invalid(field+".recipient", "programme.target-recipient", "%q is not a recipient of the programme", t.Recipient)
		}
		k := key{t.Measure, t.Recipient}
		if seen[k] {
			return nil, problem.Invalid(field, "programme.target-duplicate", "there are two targets for %q%s", t.Measure, forRecipient(t.Recipient))
		}
		seen[k] = true
		if !slices.Contains(measures, t.Measure) {
			measures = append(measures, t.Measure)
		}
	}
	if b.Commitment != "" {
		if h, ok := c.HeadOf(b.Commitment); !ok || h.Kind != KindCommitment {
			return nil, problem.Invalid("body.commitment", "programme.commitment-unknown", "there is no commitment %q", b.Commitment)
		}
	}
	return &ProgrammeState{Provider: b.Provider, Recipients: b.Recipients, Measures: measures}, nil
}

func forRecipient(r string) string {
	if r == "" {
		return " across all recipients"
	}
	return " for " + r
}

func checkDelivery(c *ledger.Context) (any, error) {
	var b Delivery
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	programme := "programmes/" + ledger.SubjectSegment(c.Record.Subject, 1)
	ph, ok := c.HeadOf(programme)
	if !ok || ph.Kind != KindProgramme {
		return nil, problem.Invalid("subject", "delivery.programme-unknown", "there is no programme %q", programme)
	}
	if err := aboutRef(c, "delivery.about", programme, ph); err != nil {
		return nil, err
	}
	ps := ph.Data.(*ProgrammeState)
	if !actsFor(c.Author(), ps.Provider, rolesDevelopment) {
		return nil, forbidActing(c, "author", "delivery.not-provider", "a delivery is reported by the programme's provider", []string{ps.Provider}, rolesDevelopment)
	}
	if !slices.Contains(ps.Recipients, b.Recipient) {
		return nil, problem.Invalid("body.recipient", "delivery.recipient", "%q is not a recipient of %s (its recipients are %s)", b.Recipient, programme, listOrNone(ps.Recipients))
	}
	if !slices.Contains(ps.Measures, b.Measure) {
		return nil, problem.Invalid("body.measure", "delivery.measure", "%s has no target measured in %q (its measures are %s)", programme, b.Measure, listOrNone(ps.Measures))
	}
	if c.Head != nil {
		if prev := c.Head.Data.(*DeliveryState); prev.Recipient != b.Recipient {
			return nil, problem.Invalid("body.recipient", "delivery.recipient-fixed", "the recipient of a delivery does not change (it is %q); report a delivery to another recipient as a new delivery", prev.Recipient)
		}
	}
	if b.PeriodFrom != "" && b.PeriodFrom > b.DeliveredOn {
		return nil, problem.Invalid("body.period_from", "delivery.period", "the period starts (%s) after it ends (%s)", b.PeriodFrom, b.DeliveredOn)
	}
	if err := notAfterSigning(c, "body.delivered_on", "delivery.future", b.DeliveredOn); err != nil {
		return nil, err
	}
	return &DeliveryState{Recipient: b.Recipient}, nil
}

func checkConfirmation(c *ledger.Context) (any, error) {
	var b Confirmation
	if err := c.Decode(&b); err != nil {
		return nil, err
	}
	delivery := "programmes/" + ledger.SubjectSegment(c.Record.Subject, 1) + "/deliveries/" + ledger.SubjectSegment(c.Record.Subject, 3)
	dh, ok := c.HeadOf(delivery)
	if !ok || dh.Kind != KindDelivery {
		return nil, problem.Invalid("subject", "confirmation.delivery-unknown", "there is no delivery %q", delivery)
	}
	if err := aboutRef(c, "confirmation.about", delivery, dh); err != nil {
		return nil, err
	}
	recipient := dh.Data.(*DeliveryState).Recipient
	if !actsFor(c.Author(), recipient, rolesDevelopment) {
		return nil, forbidActing(c, "author", "confirmation.not-recipient", "a delivery is confirmed by its recipient", []string{recipient}, rolesDevelopment)
	}
	if !b.Confirmed && b.ConfirmedValue != nil {
		return nil, problem.Invalid("body.confirmed_value", "confirmation.value", "confirmed_value is the amount confirmed; a delivery that is not confirmed has none")
	}
	if !b.Confirmed && b.Note == "" {
		return nil, problem.Invalid("body.note", "confirmation.note", "say why the delivery is not confirmed, in note")
	}
	if err := notAfterSigning(c, "body.confirmed_on", "confirmation.future", b.ConfirmedOn); err != nil {
		return nil, err
	}
	return nil, nil
}
