package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Roles of a token: a viewer reads the registry, an officer also writes.
const (
	RoleViewer  = "viewer"
	RoleOfficer = "officer"
)

// Token is a stored access token: only the hash of its secret is kept.
type Token struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
}

// tokenPrefix marks the service's tokens, so that a leaked one is easy to
// recognise in a log or a repository.
const tokenPrefix = "sbs_"

// CreateToken stores a new token for name with role and returns it with
// its secret, which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, name, role string) (Token, string, error) {
	if name == "" {
		return Token{}, "", errors.New("a token needs a name")
	}
	if role != RoleViewer && role != RoleOfficer {
		return Token{}, "", fmt.Errorf("role %q: want %s or %s", role, RoleViewer, RoleOfficer)
	}
	var raw [32]byte
	rand.Read(raw[:])
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t := Token{ID: newID(), Name: name, Role: role, CreatedAt: stamp(db.now())}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)`),
		t.ID, t.Name, t.Role, hashSecret(secret), t.CreatedAt)
	if err != nil {
		return Token{}, "", fmt.Errorf("storage: %w", err)
	}
	return t, secret, nil
}

// Authenticate returns the token whose secret is given, or [ErrNotFound].
func (db *DB) Authenticate(ctx context.Context, secret string) (Token, error) {
	var t Token
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT id, name, role, created_at FROM tokens WHERE hash = ?`), hashSecret(secret)).
		Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("storage: %w", err)
	}
	return t, nil
}

// hashSecret is the stored form of a token: SHA-256 of a 256-bit random
// secret needs no salt or stretching (it cannot be guessed).
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// newID returns a random identifier of 128 bits in hex.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Session is a signed-in page session: the token it acts for and the
// CSRF token its forms must carry.
type Session struct {
	Token Token
	CSRF  string
}

// CreateSession starts a session for the token whose secret is given and
// returns the session's own secret (for a cookie); an unknown token is
// [ErrNotFound]. Sessions last ttl.
func (db *DB) CreateSession(ctx context.Context, tokenSecret string, ttl time.Duration) (string, Session, error) {
	tok, err := db.Authenticate(ctx, tokenSecret)
	if err != nil {
		return "", Session{}, err
	}
	var raw, csrf [32]byte
	rand.Read(raw[:])
	rand.Read(csrf[:])
	secret := base64.RawURLEncoding.EncodeToString(raw[:])
	s := Session{Token: tok, CSRF: base64.RawURLEncoding.EncodeToString(csrf[:])}
	_, err = db.sql.ExecContext(ctx, db.q(`INSERT INTO sessions (hash, token_id, csrf, expires_at) VALUES (?, ?, ?, ?)`),
		hashSecret(secret), tok.ID, s.CSRF, stamp(db.now().Add(ttl)))
	if err != nil {
		return "", Session{}, fmt.Errorf("storage: %w", err)
	}
	return secret, s, nil
}

// Session returns the live session whose secret is given, or
// [ErrNotFound] (also when it has expired).
func (db *DB) Session(ctx context.Context, secret string) (Session, error) {
	var s Session
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT t.id, t.name, t.role, t.created_at, s.csrf FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.hash = ? AND s.expires_at > ?`), hashSecret(secret), stamp(db.now())).
		Scan(&s.Token.ID, &s.Token.Name, &s.Token.Role, &s.Token.CreatedAt, &s.CSRF)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("storage: %w", err)
	}
	return s, nil
}

// DeleteSession ends a session (and any that have expired).
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE hash = ? OR expires_at <= ?`), hashSecret(secret), stamp(db.now()))
	return err
}
