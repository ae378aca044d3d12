// Placeholder until the layer lands; keeps the static library non-empty.
