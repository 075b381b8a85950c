"""Vocabulary for the seeded data, kept apart so the generator reads as logic."""

from __future__ import annotations

# (first name, last name, experience level); Sarah Chen is the demo CSM the seed scenarios use.
CSM_ROSTER = (
    ("Sarah", "Chen", "senior"),
    ("Marcus", "Whitfield", "principal"),
    ("Priya", "Raman", "senior"),
    ("Daniel", "Okafor", "mid"),
    ("Elena", "Vasquez", "mid"),
    ("Tom", "Becker", "mid"),
    ("Aisha", "Karimi", "junior"),
    ("Liam", "O'Brien", "junior"),
)

COMPANY_STEMS = (
    "Northwind", "Bluefin", "Redwood", "Silverline", "Harbor", "Summit", "Granite", "Lighthouse",
    "Cobalt", "Evergreen", "Ironbridge", "Meridian", "Pinecrest", "Riverbend", "Sable", "Tidewater",
    "Vantage", "Wildrose", "Brightpath", "Copperleaf", "Driftwood", "Falcon", "Greenfield", "Highland",
    "Juniper", "Keystone", "Lakeshore", "Maple", "Nimbus", "Oakridge", "Polaris", "Quarry", "Rockport",
    "Sequoia", "Trailhead", "Upland", "Westbrook", "Yellowstone", "Zephyr", "Anchor", "Beacon",
    "Cedar", "Delta", "Ember", "Fjord", "Glacier", "Horizon", "Kestrel", "Lumen", "Orchid",
)  # fmt: skip

# Suffix -> industry, so "Bluefin Logistics" is in Transportation rather than Healthcare.
COMPANY_SUFFIXES = {
    "Analytics": "Technology",
    "Software": "Technology",
    "Systems": "Technology",
    "Labs": "Technology",
    "Robotics": "Manufacturing",
    "Manufacturing": "Manufacturing",
    "Industries": "Manufacturing",
    "Logistics": "Transportation & Logistics",
    "Freight": "Transportation & Logistics",
    "Health": "Healthcare",
    "Medical": "Healthcare",
    "Clinics": "Healthcare",
    "Financial": "Financial Services",
    "Capital": "Financial Services",
    "Insurance": "Insurance",
    "Energy": "Energy & Utilities",
    "Power": "Energy & Utilities",
    "Foods": "Food & Beverage",
    "Brewing": "Food & Beverage",
    "Media": "Media & Entertainment",
    "Studios": "Media & Entertainment",
    "Retail": "Retail",
    "Outfitters": "Retail",
    "Education": "Education",
    "Learning": "Education",
    "Hospitality": "Hospitality",
    "Properties": "Real Estate",
    "Telecom": "Telecommunications",
}

FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Wei", "David", "Fatima", "Carlos", "Anna",
    "Kenji", "Sofia", "Ahmed", "Olivia", "Lucas", "Grace", "Mateo", "Hannah", "Noah", "Chloe",
    "Ethan", "Isabel", "Ravi", "Nora", "Samuel", "Yuki", "Omar", "Emma", "Jonas", "Leah",
    "Victor", "Amara", "Patrick", "Ingrid", "Hugo", "Zara", "Felix", "Mei", "Andre", "Claire",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Garcia", "Nguyen", "Patel", "Kowalski", "Johansson", "Tanaka", "Rossi", "Müller",
    "Dubois", "Hernandez", "Kim", "Silva", "Novak", "Brennan", "Haddad", "Lindqvist", "Mensah",
    "Fischer", "Moreau", "Reyes", "Sato", "Walsh", "Abbott", "Castillo", "Duarte", "Ellis",
    "Foster", "Grant", "Hughes", "Ibrahim", "Jensen", "Larsen", "Mitchell", "Ortega", "Park",
)  # fmt: skip

CONTACT_TITLES = (
    "VP Operations",
    "Chief Operating Officer",
    "Director of IT",
    "Head of Customer Success",
    "Chief Financial Officer",
    "Operations Manager",
    "Procurement Lead",
    "Chief Technology Officer",
    "Sales Operations Manager",
    "Director of Analytics",
    "IT Administrator",
    "Head of Revenue Operations",
)

AREA_CODES = ("212", "312", "415", "512", "617", "646", "720", "206", "305", "404")

# Case subjects: (subject, typical priority)
CASE_SUBJECTS = (
    ("SSO login failing for users in the EU tenant", "High"),
    ("Dashboard export to PDF times out", "Medium"),
    ("Invoice shows the wrong seat count", "Medium"),
    ("API returns 429 errors from our integration", "High"),
    ("Request: bulk user import from CSV", "Low"),
    ("Data sync from CRM delayed by several hours", "High"),
    ("Scheduled reports not delivered since Monday", "High"),
    ("Mobile app crashes on Android 14", "Medium"),
    ("Need help configuring role-based permissions", "Low"),
    ("Webhook deliveries failing with signature errors", "High"),
    ("Users locked out after password policy change", "Critical"),
    ("Production outage: application not loading", "Critical"),
    ("Question about renewal pricing", "Low"),
    ("Custom field missing from report builder", "Medium"),
    ("Slow page loads on the analytics workspace", "Medium"),
    ("Audit log export incomplete", "Medium"),
    ("Integration with NetSuite stopped syncing", "High"),
    ("Request to add sandbox environment", "Low"),
    ("Email notifications going to spam", "Medium"),
    ("Data discrepancy between dashboard and export", "High"),
)

CASE_ORIGINS = ("Email", "Web", "Phone")
