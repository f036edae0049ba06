package store

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
)

type Store struct{ db *sql.DB }

func (s *Store) ByName(name string) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT id, email FROM users WHERE name = '%s'", name)
	return s.db.Query(q)
}

func (s *Store) ByEmail(email string) *sql.Row {
	return s.db.QueryRow("SELECT id FROM users WHERE email = $1", email)
}

func Download(w http.ResponseWriter, r *http.Request) {
	http.ServeFile(w, r, filepath.Join("/srv/files", r.URL.Query().Get("f")))
}

func Hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))
}

const dsn = "postgres://app:9Cb4D6ZwHHmDeXH9jWYN@pg.acme.internal:5432/app?sslmode=require"
