// Live schedule: states by the viewer's clock, local times, countdown (see issue 5).
