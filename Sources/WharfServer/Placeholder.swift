enum PlaceholderWharfServer {}
