enum PlaceholderHTTPAPI {}
