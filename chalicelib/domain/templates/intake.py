"""The intake form every org starts with (docs/INTAKE.md): per scenario, the workflow a converted lead
opens, the questions asked, and the checklist the welcome email sends back. An org may replace a scenario
or add its own (OrgIntakeItem); these defaults ship beside the workflow templates they open."""

from __future__ import annotations

from chalicelib.domain.intake import Question, Scenario

_TIMELINE = Question(
    "timeline",
    "When do you want to move?",
    "choice",
    required=True,
    choices=("asap", "1-3 months", "3-6 months", "later"),
)
_BUDGET = Question("budget", "Your budget (USD)", "number", help="A rough figure is fine")
_NOTES = Question("notes", "Anything else we should know?", "text", help="Optional")

DEFAULT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "buy",
        "Buy a home",
        "purchase",
        questions=(
            _TIMELINE,
            _BUDGET,
            Question("pre_approved", "Are you pre-approved for a mortgage?", "boolean", required=True),
            Question("areas", "Neighborhoods or towns you like", "text"),
            _NOTES,
        ),
        checklist=(
            "A mortgage pre-approval letter (or proof of funds for a cash purchase)",
            "A government-issued photo ID",
            "Your must-haves and nice-to-haves",
        ),
    ),
    Scenario(
        "sell",
        "Sell a home",
        "listing",
        questions=(
            _TIMELINE,
            Question("price_idea", "What do you think it is worth (USD)?", "number"),
            _NOTES,
        ),
        checklist=(
            "Your deed or the last closing statement",
            "Your latest mortgage statement",
            "Any HOA documents and recent utility bills",
        ),
        property_required=True,
    ),
    Scenario(
        "rent",
        "Rent a home",
        "lease",
        questions=(
            _TIMELINE,
            Question("monthly_budget", "Monthly rent budget (USD)", "number", required=True),
            Question("bedrooms", "Bedrooms", "choice", choices=("studio", "1", "2", "3", "4+")),
            Question("pets", "Do you have pets?", "boolean"),
            _NOTES,
        ),
        checklist=("Two recent pay stubs or an offer letter", "A government-issued photo ID", "References"),
    ),
    Scenario(
        "invest",
        "Invest in property",
        "purchase",
        questions=(
            _BUDGET,
            Question(
                "strategy",
                "Strategy",
                "choice",
                required=True,
                choices=("buy and hold", "fix and flip", "multifamily", "other"),
            ),
            Question("entity", "Buying through an LLC or other entity?", "boolean"),
            _NOTES,
        ),
        checklist=("Proof of funds", "Entity documents if buying through an LLC", "Your target returns"),
    ),
    Scenario(
        "maintenance",
        "Maintenance request (current tenant)",
        "maintenance",
        questions=(
            Question("issue", "What needs fixing?", "text", required=True),
            Question(
                "urgency",
                "How urgent is it?",
                "choice",
                required=True,
                choices=("emergency", "soon", "whenever"),
            ),
            Question("entry_ok", "May we enter when you are out?", "boolean"),
        ),
        checklist=("Photos of the problem", "Times you are home this week"),
        property_required=True,
    ),
)
