// Package security holds the cluster secret and the tokens derived from it.
//
// Every RM and NM of a cluster reads the same secret file. From it each
// derives purpose-bound HMAC keys: one authenticates NodeManagers to the RM,
// one signs container tokens (the RM signs, the NM verifies before starting
// anything), one signs the tokens application masters present to the RM.
// Because all keys derive from the shared secret, a token issued by one RM
// stays valid after a failover to another.
package security
