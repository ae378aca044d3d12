// Placeholder until the acquisition app lands.
