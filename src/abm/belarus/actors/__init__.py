"""The brief's actors as Mesa agents: Kremlin, Lukashenko, army units, security units, citizens."""
