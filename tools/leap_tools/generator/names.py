"""Name pools and other free-text vocabularies.

Every first name is encodable in Windows-1252 and loses its diacritics under
NFKD (so the child key's normalisation is well defined); a few surnames are
not Windows-1252 (which is why files with a last_name column are never
written as Windows-1252).
"""

from __future__ import annotations

GIRLS = (
    "Olivia", "Amelia", "Isla", "Ava", "Zoë", "Chloé", "Mary-Jane", "Aaliyah",
    "Amara", "Fatima", "Maryam", "Nia", "Zara", "Anaïs", "Noémie", "Renée",
    "Inès", "Sofía", "Ayesha", "Kemi", "Imani", "Grace", "Ruby", "Freya",
    "Hana", "Lucía", "Ama", "Esi", "Halima", "Ifeoma", "Jo", "Keziah",
    "Lola", "Naomi", "Precious", "Rosa", "Sade", "Tiana", "Yasmin", "Ella",
)
BOYS = (
    "Oliver", "Noah", "Muhammad", "D'Andre", "O'Neil", "Jean-Luc", "José",
    "Tomás", "Kwame", "Tobi", "Leo", "Jude", "Ethan", "Elijah", "Kai", "Malik",
    "Ravi", "Arjun", "Björn", "Ali", "Bo", "Caleb", "Dawit", "Emeka", "Finn",
    "Gabriel", "Ibrahim", "Joaquín", "Kofi", "Luca", "Mateo", "Nathaniel",
    "Omar", "Reuben", "Samuel", "Theo", "Yusuf", "Zion", "Aarav", "Chidi",
)
NEUTRAL = ("Alex", "Sam", "River", "Jordan", "Rowan", "Remi")

# Twin names sharing gender and the first three normalised letters: under the
# child-key rule such twins are one child wherever the key is what links them.
LOOKALIKE_TWINS = {
    "female": (("Amelia", "Amelie"), ("Isabella", "Isabelle"), ("Sophia", "Sophie"),
               ("Zoë", "Zoey"), ("Maria", "Mariam"), ("Mary-Jane", "Maryse")),
    "male": (("Oliver", "Olivier"), ("Harry", "Harrison"), ("Jayden", "Jaylen"),
             ("D'Andre", "Dante"), ("Theo", "Theodore"), ("Noah", "Noam")),
}

WOMEN = (
    "Amara", "Grace", "Sarah", "Fatuma", "Chiamaka", "Aisha", "Joanna", "Marta",
    "Ana", "Inês", "Zoë", "Siobhán", "Dolores", "Abena", "Blessing", "Claire",
    "Deborah", "Esther", "Funmi", "Hannah", "Ifeoma", "Jessica", "Katarzyna",
    "Leticia", "Mariam", "Nadia", "Oluwaseun", "Priya", "Rachel", "Shanice",
    "Tamsin", "Uchenna", "Valentina", "Wanjiru", "Yetunde", "Zainab", "Renée",
    "Mary-Kate", "Chloé", "Áine",
)
MEN = (
    "James", "Kofi", "Daniel", "Mohamed", "João", "Piotr", "Ahmed", "Kwabena",
    "Seán", "Andre", "Benjamin", "Chukwuma", "David", "Emmanuel", "Femi",
    "George", "Hamza", "Isaac", "Jermaine", "Kevin", "Lamar", "Marcus", "Nuno",
    "Olu", "Patrick", "Rashid", "Stefan", "Tunde", "Usman", "Victor", "Winston",
    "Xavier", "Yaw", "Zak", "D'Angelo", "Jean-Pierre", "René", "Rubén",
)
SURNAMES = (
    "O'Brien", "O'Neil", "Smith-Jones", "McDonald", "Okafor", "Mensah", "Adeyemi",
    "Silva", "Gonçalves", "Müller", "Kowalski", "Nowak", "Ahmed", "Begum",
    "Hussain", "Khan", "Patel", "Campbell", "Williams", "Brown", "Johnson",
    "Taylor", "Davies", "Evans", "Thomas", "Clarke", "Walker", "Wright", "Osei",
    "Boateng", "Asante", "Mohamed", "Abdi", "Yusuf", "Hernández", "García",
    "Rodríguez", "Pérez", "Lefèvre", "Ní Bhriain", "Nguyễn", "Şahin", "Trần",
    "Afolabi", "Bello", "Coker", "Danso", "Eze", "Francis", "Gordon", "Henry",
    "Ibrahim", "Jackson", "King", "Lewis", "Mitchell", "Nwosu", "Owusu",
    "Phillips", "Reid", "Sesay", "Tesfaye", "Uddin", "Vieira", "White",
)

EMAIL_DOMAINS = (
    "gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "icloud.com",
    "btinternet.com", "live.co.uk", "hotmail.com", "googlemail.com",
)

ETHNICITIES = (
    "White: English, Welsh, Scottish, Northern Irish or British",
    "White: Irish",
    "White: Other White",
    "Black, Black British, Caribbean or African: African",
    "Black, Black British, Caribbean or African: Caribbean",
    "Black, Black British, Caribbean or African: Other Black",
    "Asian or Asian British: Bangladeshi",
    "Asian or Asian British: Indian",
    "Asian or Asian British: Pakistani",
    "Mixed or Multiple ethnic groups: White and Black Caribbean",
    "Mixed or Multiple ethnic groups: White and Black African",
    "Other ethnic group: Arab",
    "Other ethnic group: Any other ethnic group",
)
LANGUAGES = (
    "English", "English", "English", "Portuguese", "Spanish", "Somali", "Polish",
    "Yoruba", "Twi", "French", "Arabic", "Bengali", "Tigrinya", "Amharic",
)
ENGAGEMENT_TYPES = (
    "group session", "home visit", "one-to-one", "clinic appointment",
    "telephone", "drop-in", "video call",
)
NOTES = (
    "", "", "", "", "rebooked", "interpreter needed", "seen with grandmother",
    "café session", "left voicemail; will call back", 'said "thanks, see you"',
    "referred by HV, Stockwell", "pack posted", "DNA - will retry",
    "first visit\nfollow-up booked",
)
