"""Rules between actors: combat, coordination, economy, policing; one switch per mechanism."""
