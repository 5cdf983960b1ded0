enum PlaceholderRegistry {}
