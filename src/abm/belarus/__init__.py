"""The Belarus model: Lukashenko's balancing act between the Kremlin's demands and revolt at home.

Every mechanism traces to a claim of the source article (Bugajski, late 2022, "Belarus unlikely
to intervene directly in the war on Ukraine"); see ``docs/ODD.md``.
"""
