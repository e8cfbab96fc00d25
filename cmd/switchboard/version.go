package main

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"
