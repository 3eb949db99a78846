"""Word lists the demo generator draws from. Plain data; the generator decides how to use it."""

from __future__ import annotations

FIRST_NAMES = [
    "Aaliyah", "Adam", "Adrian", "Aisha", "Akira", "Alba", "Alejandro", "Alex", "Alice", "Amara",
    "Amelia", "Ana", "Anders", "Andrea", "Andrei", "Anika", "Anna", "Arjun", "Astrid", "Ayumi",
    "Beatriz", "Ben", "Bianca", "Bruno", "Camille", "Carlos", "Carmen", "Catalina", "Chen",
    "Chloé", "Chris", "Clara", "Daniel", "Daniela", "David", "Deepa", "Diego", "Dmitri", "Elena",
    "Elif", "Elise", "Emil", "Emma", "Erik", "Esther", "Fatima", "Felix", "Fernanda", "Finn",
    "Freya", "Gabriel", "Giulia", "Greta", "Hana", "Hannah", "Hassan", "Helena", "Hiroshi",
    "Ibrahim", "Ines", "Ingrid", "Isabel", "Ivan", "Jakob", "James", "Jana", "Javier", "Jia",
    "Johan", "Jonas", "José", "Julia", "Julian", "Kai", "Karim", "Kateřina", "Kenji", "Kofi",
    "Lara", "Lars", "Laura", "Layla", "Lea", "Leila", "Leon", "Lina", "Lucas", "Lucía", "Luis",
    "Luka", "Mai", "Malik", "Marco", "Margaux", "Maria", "Mariam", "Marie", "Mark", "Marta",
    "Martin", "Mateo", "Mathilde", "Matteo", "Maximilian", "Mei", "Mia", "Miguel", "Mila",
    "Mohammed", "Nadia", "Naomi", "Nathan", "Nikolai", "Nina", "Nora", "Olga", "Oliver", "Olivia",
    "Omar", "Oscar", "Pablo", "Paula", "Pedro", "Pieter", "Priya", "Rafael", "Rahul", "Rania",
    "Rohan", "Rosa", "Ruth", "Sami", "Samuel", "Sana", "Sara", "Sebastian", "Sienna", "Simon",
    "Siobhan", "Sven", "Tariq", "Tessa", "Thomas", "Tobias", "Tomás", "Valentina", "Victor", "Wei",
    "Yara", "Yusuf", "Zainab", "Zoë",
]  # fmt: skip

LAST_NAMES = [
    "Abe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bakker", "Banerjee", "Becker", "Bergström",
    "Bianchi", "Brandt", "Brown", "Castillo", "Chang", "Cohen", "Costa", "Dahl", "De Vries",
    "Dubois", "Dvořák", "Eriksen", "Fernández", "Fischer", "Fontaine", "García", "Gómez", "Gupta",
    "Hansen", "Hartmann", "Hoffmann", "Horvat", "Hughes", "Ibrahim", "Ivanova", "Jansen", "Jensen",
    "Johansson", "Kaur", "Khan", "Kim", "Kowalski", "Kraus", "Kumar", "Lambert", "Larsen",
    "Laurent", "Lee", "Lehmann", "Li", "Lin", "López", "Marino", "Martin", "Martínez", "Meyer",
    "Moreau", "Morris", "Müller", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "O'Brien",
    "Okafor", "Olsen", "Ortiz", "Park", "Patel", "Perez", "Petrov", "Popescu", "Quinn", "Ramos",
    "Reddy", "Richter", "Rossi", "Russo", "Sato", "Schmidt", "Schneider", "Shah", "Silva", "Singh",
    "Smith", "Sørensen", "Suzuki", "Tanaka", "Taylor", "Thompson", "Torres", "Van Dijk", "Varga",
    "Visser", "Wagner", "Walsh", "Wang", "Weber", "Williams", "Wilson", "Wong", "Yamamoto",
    "Yilmaz", "Zhang", "Zimmermann",
]  # fmt: skip

# name, country, timezone, phone prefix, languages spoken locally
LOCATIONS = [
    ("Amsterdam", "Netherlands", "Europe/Amsterdam", "+31 20 555", ["Dutch", "English"]),
    ("Berlin", "Germany", "Europe/Berlin", "+49 30 555", ["German", "English"]),
    ("London", "United Kingdom", "Europe/London", "+44 20 7946", ["English"]),
    ("New York", "United States", "America/New_York", "+1 212 555", ["English", "Spanish"]),
    ("Singapore", "Singapore", "Asia/Singapore", "+65 6555", ["English", "Mandarin", "Malay"]),
    ("Remote", "", "UTC", "+1 555", ["English"]),
]
LOCATION_WEIGHTS = [18, 16, 22, 20, 12, 12]
EXTRA_LANGUAGES = ["French", "Spanish", "Portuguese", "Italian", "Japanese", "Hindi", "Arabic",
                   "Polish", "Swedish", "Korean", "Turkish"]  # fmt: skip

COMMON_SKILLS = [
    "Project management",
    "Public speaking",
    "Excel",
    "Jira",
    "Stakeholder management",
    "Mentoring",
    "Agile",
    "OKRs",
    "Technical writing",
]

# division → (weight, departments {name: [team names]}, member titles, lead title, skills)
DIVISIONS: dict[str, dict[str, object]] = {
    "Engineering": {
        "weight": 30,
        "departments": {
            "Platform": ["Core Services", "Infrastructure", "Developer Tools", "Reliability"],
            "Product Engineering": ["Web", "Mobile", "Integrations", "Search"],
            "Data": ["Analytics Engineering", "Data Platform", "Machine Learning"],
            "Security": ["Application Security", "Security Operations"],
        },
        "titles": [
            "Software Engineer",
            "Senior Software Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
            "QA Engineer",
            "Product Designer",
            "Data Scientist",
            "Frontend Engineer",
            "Backend Engineer",
            "Security Engineer",
        ],
        "lead_title": "Engineering Manager",
        "skills": [
            "Python",
            "Go",
            "Java",
            "TypeScript",
            "React",
            "Kubernetes",
            "Terraform",
            "PostgreSQL",
            "Kafka",
            "AWS",
            "Azure",
            "Machine learning",
            "Data modelling",
            "Observability",
            "CI/CD",
            "Rust",
            "GraphQL",
            "Django",
            "Threat modelling",
            "Penetration testing",
            "Accessibility",
            "UX research",
            "Elasticsearch",
            "Docker",
            "Linux",
        ],
    },
    "Sales": {
        "weight": 18,
        "departments": {
            "Enterprise Sales": ["EMEA Enterprise", "Americas Enterprise", "APAC Enterprise"],
            "Mid-Market Sales": ["Mid-Market North", "Mid-Market South"],
            "Sales Operations": ["Deal Desk", "Sales Enablement"],
        },
        "titles": [
            "Account Executive",
            "Senior Account Executive",
            "Sales Development Representative",
            "Solutions Consultant",
            "Account Manager",
            "Deal Desk Analyst",
        ],
        "lead_title": "Sales Manager",
        "skills": [
            "Salesforce",
            "Negotiation",
            "Pricing",
            "Account planning",
            "Forecasting",
            "Solution selling",
            "RFP responses",
            "Partner management",
            "CPQ",
            "Territory planning",
        ],
    },
    "Customer Success": {
        "weight": 14,
        "departments": {
            "Customer Support": ["Tier 1 Support", "Tier 2 Support", "Support Operations"],
            "Onboarding": ["Implementation", "Training"],
            "Account Management": ["Strategic Accounts", "Renewals"],
        },
        "titles": [
            "Customer Success Manager",
            "Support Engineer",
            "Implementation Consultant",
            "Technical Account Manager",
            "Trainer",
            "Renewals Specialist",
        ],
        "lead_title": "Customer Success Lead",
        "skills": [
            "Zendesk",
            "Customer onboarding",
            "Churn analysis",
            "SLA management",
            "Escalation handling",
            "Training design",
            "Renewals",
            "ServiceNow",
        ],
    },
    "Finance": {
        "weight": 8,
        "departments": {
            "Accounting": ["General Ledger", "Accounts Payable", "Payroll"],
            "Financial Planning": ["FP&A", "Treasury"],
            "Legal & Compliance": ["Legal", "Compliance", "Privacy"],
        },
        "titles": [
            "Accountant",
            "Financial Analyst",
            "Controller",
            "Legal Counsel",
            "Payroll Specialist",
            "Treasury Analyst",
            "Privacy Analyst",
        ],
        "lead_title": "Finance Manager",
        "skills": [
            "IFRS",
            "SAP",
            "Budgeting",
            "Audit",
            "Tax",
            "GDPR",
            "Contract law",
            "Revenue recognition",
            "Risk management",
            "SOX compliance",
        ],
    },
    "People": {
        "weight": 7,
        "departments": {
            "Talent Acquisition": ["Technical Recruiting", "Business Recruiting"],
            "People Operations": ["HR Services", "Learning & Development", "Total Rewards"],
        },
        "titles": [
            "Recruiter",
            "HR Business Partner",
            "People Operations Specialist",
            "Learning & Development Specialist",
            "Compensation Analyst",
        ],
        "lead_title": "People Manager",
        "skills": [
            "Recruiting",
            "Employer branding",
            "Workday",
            "Compensation",
            "Onboarding",
            "Coaching",
            "Employment law",
            "Diversity and inclusion",
        ],
    },
    "Marketing": {
        "weight": 11,
        "departments": {
            "Brand & Content": ["Brand", "Content", "Design Studio"],
            "Growth Marketing": ["Demand Generation", "Marketing Operations", "Web Marketing"],
            "Product Marketing": ["Product Marketing", "Analyst Relations"],
        },
        "titles": [
            "Marketing Manager",
            "Content Strategist",
            "Product Marketing Manager",
            "Brand Designer",
            "Marketing Operations Specialist",
            "Copywriter",
        ],
        "lead_title": "Marketing Lead",
        "skills": [
            "SEO",
            "Copywriting",
            "HubSpot",
            "Marketing automation",
            "Brand strategy",
            "Events",
            "Google Analytics",
            "Market research",
            "Social media",
            "Figma",
        ],
    },
    "Operations": {
        "weight": 12,
        "departments": {
            "IT": ["Workplace IT", "Identity & Access", "Service Desk"],
            "Supply Chain": ["Procurement", "Logistics", "Demand Planning"],
            "Facilities": ["Workplace Services", "Health & Safety"],
        },
        "titles": [
            "Procurement Specialist",
            "Logistics Coordinator",
            "IT Support Specialist",
            "Facilities Coordinator",
            "Supply Chain Analyst",
            "Systems Administrator",
        ],
        "lead_title": "Operations Manager",
        "skills": [
            "Supply chain",
            "Procurement",
            "Vendor management",
            "Lean",
            "ITIL",
            "Microsoft 365",
            "Okta",
            "Inventory planning",
            "Logistics",
            "Six Sigma",
        ],
    },
}

SYSTEMS = ["the billing platform", "the customer portal", "our data warehouse", "the mobile app",
           "the partner API", "the ERP rollout", "the intranet", "the pricing engine",
           "the onboarding flow", "the support knowledge base", "the EMEA expansion",
           "the annual planning cycle", "the vendor review", "the Q3 launch"]  # fmt: skip
WORKING_ON_TEMPLATES = [
    "Migrating {system} to {skill}.",
    "Improving {system} with the {team} team.",
    "The {customer} renewal and {system}.",
    "A {skill} playbook for {division}.",
    "Cutting the time it takes to ship {system}.",
    "Hiring for {team} and {system}.",
]
ASK_ME_TEMPLATES = [
    "{skill}, {skill2} and how {team} works",
    "{skill} and {skill2}",
    "Anything about {system}",
    "{skill}, {customer} and life in {location}",
]
BIO_TEMPLATES = [
    "{first} works in {team} ({division}) from {location}. Before Northwind, {first} spent "
    "{years} years at {previous}. Outside work: {hobby}.",
    "{skill} enthusiast in {team}. Joined Northwind {years} years ago after {previous}; "
    "happy to talk about {skill2} or {hobby}.",
    "Part of {division} in {location}. I care about {skill} and {skill2}, and I spend weekends "
    "on {hobby}.",
]
PREVIOUS_EMPLOYERS = ["a logistics start-up", "a Big Four firm", "a regional bank",
                      "a university research lab", "a telecom operator", "an e-commerce company",
                      "a public-sector agency", "a games studio", "a retail chain"]  # fmt: skip
HOBBIES = ["cycling", "climbing", "chess", "sourdough baking", "choir singing", "trail running",
           "photography", "gardening", "board games", "sailing", "pottery", "football"]  # fmt: skip

# name, slug, kind, email domain, description, guest titles
EXTERNAL_COMPANIES = [
    ("Acme Logistics", "acme", "customer", "acme.example",
     "Freight forwarding and warehousing across Europe; Northwind runs their shipment tracking.",
     ["Logistics Director", "IT Manager", "Procurement Lead", "Operations Analyst"]),
    ("Globex Retail", "globex", "customer", "globex.example",
     "A chain of 400 stores using Northwind for inventory and point-of-sale integration.",
     ["Head of Store Systems", "Buyer", "Category Manager", "Project Manager"]),
    ("Initech Banking", "initech", "customer", "initech.example",
     "A retail bank modernising its customer onboarding on the Northwind platform.",
     ["Vendor Manager", "Compliance Analyst", "Solution Architect", "Product Owner"]),
    ("Umbrella Consulting", "umbrella", "partner", "umbrella.example",
     "Implementation partner for Northwind projects in the Americas.",
     ["Senior Consultant", "Partner", "Delivery Manager"]),
    ("Stark Integration", "stark", "partner", "stark.example",
     "Systems integrator building connectors between Northwind and ERP systems.",
     ["Integration Engineer", "Alliance Manager", "Technical Lead"]),
    ("Wayne Components", "wayne", "supplier", "wayne.example",
     "Supplier of the handheld scanners and sensors Northwind ships to customers.",
     ["Key Account Manager", "Supply Planner", "Quality Engineer"]),
]  # fmt: skip
