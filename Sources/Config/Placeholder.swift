enum PlaceholderConfig {}
