"""Nicknames and spelling variants of the generator's first names.

Realistic ways one person's first name is written differently by two
services: a short form (Samuel/Sam), a transliteration (Muhammad/Mohammed),
an anglicised or accent-less spelling (Seán/Shaun). Every variant is
encodable in Windows-1252, like the pools in `names`.
"""

from __future__ import annotations

VARIANTS: dict[str, tuple[str, ...]] = {
    # children
    "Olivia": ("Liv", "Livvy"), "Amelia": ("Amy", "Millie"), "Zoë": ("Zoe", "Zoey"),
    "Chloé": ("Chloe",), "Aaliyah": ("Aliyah", "Aaliya"), "Fatima": ("Fatimah", "Fatma"),
    "Maryam": ("Mariam", "Maryum"), "Zara": ("Zahra",), "Sofía": ("Sophia", "Sofia"),
    "Ayesha": ("Aisha", "Aysha"), "Yasmin": ("Yasmine", "Jasmine"), "Ella": ("Ellie",),
    "Halima": ("Halimah",), "Grace": ("Gracie",), "Lucía": ("Lucy", "Lucia"), "Keziah": ("Kezia",),
    "Oliver": ("Ollie", "Olly"), "Muhammad": ("Mohammed", "Mohamed", "Mohammad"),
    "Elijah": ("Eli",), "Nathaniel": ("Nathan", "Nat"), "Samuel": ("Sam", "Sammy"),
    "Gabriel": ("Gabe",), "Joaquín": ("Joaquin",), "Mateo": ("Matteo",), "Theo": ("Teo",),
    "Ibrahim": ("Ebrahim",), "Yusuf": ("Yousef", "Yusef"), "Reuben": ("Ruben",),
    "Tobi": ("Toby",), "Aarav": ("Arav",), "Kai": ("Kye",), "Caleb": ("Kaleb",),
    "Omar": ("Umar",), "Finn": ("Fin",), "Leo": ("Leon",), "José": ("Jose",), "Tomás": ("Thomas",),
    # adults
    "Sarah": ("Sara",), "Aisha": ("Ayesha", "Aysha"), "Joanna": ("Jo", "Joanne"), "Marta": ("Martha",),
    "Ana": ("Anna",), "Hannah": ("Hana",), "Jessica": ("Jess",), "Katarzyna": ("Kasia",),
    "Mariam": ("Maryam",), "Deborah": ("Debbie", "Debra"), "Rachel": ("Rachael",),
    "Zainab": ("Zaynab",), "Funmi": ("Funmilayo",), "Oluwaseun": ("Seun",), "Siobhán": ("Shivaun",),
    "Claire": ("Clare",), "Shanice": ("Shanise",), "Nadia": ("Nadya",), "Inês": ("Ines",),
    "Mohamed": ("Muhammad", "Mohammed"), "Daniel": ("Dan", "Danny"), "Benjamin": ("Ben",),
    "Ahmed": ("Ahmad",), "David": ("Dave",), "Emmanuel": ("Manny", "Emanuel"),
    "Femi": ("Oluwafemi",), "Isaac": ("Isaak",), "Marcus": ("Markus",), "Patrick": ("Pat",),
    "Stefan": ("Stephen",), "Tunde": ("Babatunde",), "Victor": ("Vic",), "Kevin": ("Kev",),
    "Jermaine": ("Germaine",), "Zak": ("Zack", "Zakaria"), "Seán": ("Shaun", "Shawn"),
    "Piotr": ("Peter",), "João": ("Joao",), "Kwabena": ("Kobby",), "Hamza": ("Hamzah",),
    "Usman": ("Osman",), "Xavier": ("Javier",), "Andre": ("André",),
}
