module github.com/tend-crm/tend

go 1.26.0

require golang.org/x/text v0.43.0

require (
	github.com/mattn/go-sqlite3 v1.14.53 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
