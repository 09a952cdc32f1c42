"""A small corpus of hand-written market reports with dated prices, for the site tests
of the prices pages and exports (tests/test_prices_site.py, the browser check)."""

from __future__ import annotations

ARTICLES: dict[str, str] = {
    "p1_a1a1a1a1a1a1a1a1.txt": (
        "Rice prices ease in Pyongyang and Hyesan\n\n"
        "Rice prices eased across the country this month, traders said.\n\n"
        "The price of 1kg of rice in Pyongyang was 5,900 won as of the 15th, up from 6,300 won in February. "
        "In Hyesan, rice fell to 6,000 won.\n\n"
        "The dollar traded at 8,100 won in Sinuiju and Hamhung, while the yuan was at 1,150 won.\n\n"
        "A factory worker's monthly wage is about 5,000 won, a source said.\n"
    ),
    "p1_a1a1a1a1a1a1a1a1.yml": "date: 2024-03-20\noutlet: Test Wire\n",
    "p2_b2b2b2b2b2b2b2b2.txt": (
        "Corn and pork dearer in Sinuiju\n\n"
        "In Sinuiju, corn sold for between 2,900 and 3,100 won per kg and pork for 14,000 won.\n\n"
        "Rice cost 6,400 won in Pyongyang, and the dollar was at 8,000 won there.\n\n"
        "Traders paid a bribe of 500 dollars to the inspectors.\n"
    ),
    "p2_b2b2b2b2b2b2b2b2.yml": "date: 2024-01-10\noutlet: Test Wire\n",
    "p3_c3c3c3c3c3c3c3c3.txt": (
        "Fuel prices jump in Pyongyang\n\n"
        "Gasoline in Pyongyang is trading at 8,550 won per kg, while diesel is at 6,100 won per kg.\n\n"
        "Rice rose from 5,000 won to 5,500 won in Pyongyang.\n"
    ),
    "p3_c3c3c3c3c3c3c3c3.yml": "date: 2023-11-28\noutlet: Test Wire\n",
    "p4_d4d4d4d4d4d4d4d4.txt": (
        "Market report whose date is not stated\n\n"
        "Rice costs 4,800 won in Hyesan, and a house there was valued at US$4,000.\n\n"
        "Corn <b>is</b> 2,500 won in Hyesan & Musan.\n"
    ),
}

# what the corpus gives, for the tests
DATED_RICE = {("pyongyang", "2024-03-15", 5900), ("pyongyang", "2024-02", 6300), ("hyesan", "2024-03-20", 6000),
              ("pyongyang", "2024-01-10", 6400), ("pyongyang", "2023-11-28", 5500)}
