"""Vocabulary for the seeded gym: people, plans, lead sources, and what members write about."""

from __future__ import annotations

from sandbox.clubos.inbox import Direction, InboxChannel

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abigail", "Adrian", "Aiden", "Alejandro", "Alexis", "Alicia", "Amanda", "Amir",
    "Andre", "Andrea", "Angela", "Anthony", "Ashley", "Austin", "Bianca", "Blake", "Brandon", "Brianna",
    "Brittany", "Caleb", "Camila", "Carlos", "Carmen", "Cassandra", "Chloe", "Chris", "Christina", "Cody",
    "Connor", "Courtney", "Daniel", "Danielle", "Darius", "David", "Deja", "Derek", "Destiny", "Diego",
    "Dominic", "Dylan", "Elena", "Elijah", "Emily", "Emma", "Eric", "Erica", "Ethan", "Evan",
    "Fatima", "Gabriel", "Gabriela", "Grace", "Hailey", "Hannah", "Hector", "Imani", "Isaac", "Isabella",
    "Jacob", "Jada", "Jake", "Jamal", "James", "Jasmine", "Jason", "Javier", "Jenna", "Jennifer",
    "Jeremy", "Jessica", "Jordan", "Jose", "Joshua", "Julia", "Justin", "Kayla", "Keisha", "Kevin",
    "Kyle", "Lauren", "Leah", "Liam", "Logan", "Lucas", "Luis", "Madison", "Malik", "Marcus",
    "Maria", "Mariah", "Mason", "Megan", "Melissa", "Michael", "Michelle", "Miguel", "Monica", "Morgan",
    "Natalie", "Nathan", "Nicole", "Noah", "Olivia", "Omar", "Priya", "Rachel", "Raj", "Rebecca",
    "Ricardo", "Ryan", "Samantha", "Samuel", "Sarah", "Sean", "Sofia", "Stephanie", "Tanya", "Taylor",
    "Terrence", "Tiffany", "Travis", "Trevor", "Tyler", "Valeria", "Vanessa", "Victoria", "Wei", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Adams", "Alvarez", "Anderson", "Baker", "Banks", "Bell", "Bennett", "Brooks", "Brown", "Bryant",
    "Butler", "Campbell", "Carter", "Castillo", "Chavez", "Chen", "Clark", "Coleman", "Collins", "Cook",
    "Cooper", "Cruz", "Davis", "Diaz", "Edwards", "Evans", "Fisher", "Flores", "Foster", "Garcia",
    "Gomez", "Gonzalez", "Gray", "Green", "Griffin", "Hall", "Harris", "Hayes", "Henderson", "Hernandez",
    "Hill", "Howard", "Hughes", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kelly", "Kim",
    "King", "Lee", "Lewis", "Long", "Lopez", "Martin", "Martinez", "Mendoza", "Miller", "Mitchell",
    "Moore", "Morales", "Morgan", "Murphy", "Myers", "Nelson", "Nguyen", "Ortiz", "Parker", "Patel",
    "Perez", "Perry", "Peterson", "Phillips", "Powell", "Price", "Ramirez", "Reed", "Reyes", "Richardson",
    "Rivera", "Roberts", "Robinson", "Rodriguez", "Rogers", "Ross", "Russell", "Sanchez", "Sanders", "Scott",
    "Shah", "Simmons", "Smith", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Torres", "Turner",
    "Walker", "Ward", "Washington", "Watson", "White", "Williams", "Wilson", "Wong", "Wright", "Young",
)  # fmt: skip

EMAIL_DOMAINS = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
)
# Mistyped domains the sandbox's mail provider cannot deliver to; a few members signed up with one.
TYPO_DOMAINS = ("gmial.com", "yaho.com", "hotmial.com")

# (plan, monthly dues in cents, weight)
MEMBERSHIP_TYPES = (
    ("Monthly 24/7", 4999, 50),
    ("Annual", 3999, 20),
    ("Student", 3499, 12),
    ("Couples", 7999, 10),
    ("Senior", 3999, 8),
)

PROSPECT_SOURCES = (
    ("walk-in", 20),
    ("web form", 35),
    ("referral", 15),
    ("Instagram", 20),
    ("guest pass", 10),
)
PROSPECT_INTERESTS = (
    "weight loss", "strength training", "group classes", "personal training", "24/7 access",
    "yoga", "HIIT", "tanning", "couples membership", "senior fitness", "post-injury rehab",
)  # fmt: skip

# Conversations already in the inbox when the sandbox starts: (channel, subject, [(direction, body)]).
# {first} is the member's first name; the last message of some threads still awaits a reply.
SEEDED_THREADS: tuple[tuple[InboxChannel, str | None, tuple[tuple[Direction, str], ...]], ...] = (
    ("sms", None, (
        ("inbound", "Hey, are you guys open on Thanksgiving? Want to get a workout in before dinner"),
        ("outbound", "Hi {first}! Yes, the club is open 24/7 with your key fob, holidays included. "
                     "Staffed hours that day are 8am-12pm."),
        ("inbound", "Perfect, thanks!"),
    )),
    ("sms", None, (
        ("inbound", "My key fob stopped working this morning, the door wouldn't open"),
        ("outbound", "Sorry about that {first}! Stop by the front desk during staffed hours and we'll "
                     "reprogram it in a minute."),
    )),
    ("email", "Question about my bill", (
        ("inbound", "Hi, I was charged twice this month for my membership. Can someone look into it?"),
    )),
    ("app", None, (
        ("inbound", "Is the 6am HIIT class still happening on Saturdays?"),
        ("outbound", "It is! Saturday HIIT with Coach Dana at 6am, book in the app to save a spot."),
        ("inbound", "Booked, see you there"),
    )),
    ("sms", None, (
        ("inbound", "I'm moving out of state next month, how do I cancel my membership?"),
    )),
    ("sms", None, (
        ("inbound", "Can I bring a friend this week? She's thinking about joining"),
        ("outbound", "Absolutely {first}, every member gets a free guest pass each month. Have her "
                     "show ID at the desk."),
    )),
    ("email", "Freeze my membership", (
        ("inbound", "I had knee surgery and can't train for 6 weeks. Can I freeze my account until then?"),
        ("outbound", "So sorry to hear that {first}, wishing you a quick recovery. We can freeze it; "
                     "reply with the date you'd like it to resume."),
        ("inbound", "March 1st please. Thank you!"),
    )),
    ("sms", None, (
        ("inbound", "The AC in the cardio room hasn't worked for 3 days, it's brutal in there"),
    )),
)  # fmt: skip

# What members write in about, for the inbound simulator: (category, weight, texts).
# {amount} is the member's past-due balance; billing texts about it go only to members who owe.
INBOUND_TOPICS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("hours", 20, (
        "What are your staffed hours this weekend?",
        "Is the gym open on Memorial Day?",
        "What time does the front desk close tonight?",
    )),
    ("classes", 20, (
        "Is there a spin class tomorrow morning?",
        "Do you still do the Tuesday night yoga class?",
        "How do I book a session with a personal trainer?",
        "Are the group classes included in my membership?",
    )),
    ("billing", 20, (
        "I got a text saying I owe {amount}, can you tell me what that's for?",
        "Can I pay the {amount} I owe in two parts?",
        "Why was my card declined? I updated it last week",
        "Can you send me a receipt for my last payment?",
    )),
    ("complaint", 12, (
        "The showers in the women's locker room are cold again",
        "Two of the treadmills have been out of order all week",
        "Someone keeps leaving weights all over the floor by the squat racks",
    )),
    ("cancellation", 10, (
        "I'd like to cancel my membership please",
        "How much notice do I need to give to cancel?",
        "Can I downgrade to the student plan instead of cancelling?",
    )),
    ("stop", 5, ("STOP",)),
)  # fmt: skip
