package bench

import (
	"context"
	"errors"
	"strings"
)

// startRemote prepares calls to an engine running elsewhere (`switchboard
// serve`), at url, which must be its public URL (webhooks are signed over
// it). The bench serves the provider fakes on fakesAddr, where the engine
// must already be pointed (the environment `switchboard fakes` prints for
// that address), and creates its assistants and numbers with apiKey, an
// admin key of an organization. Resources are then the bench's own
// (callers and fakes), not the engine's.
func startRemote(ctx context.Context, url, apiKey, fakesAddr string, lat Latencies) (_ *system, err error) {
	if apiKey == "" {
		return nil, errors.New("bench: a target needs an API key (switchboard keys create --org NAME)")
	}
	url = strings.TrimSuffix(url, "/")
	s := &system{numbers: map[bool]string{}}
	s.errs.Store(&errorCounts{})
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	_, stopFakes, err := serveFakes(lat, fakesAddr)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, stopFakes)
	acct := newAccount()
	if s.cloud, err = newCloud(url, acct); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.cloud.Close)
	for _, spec := range []bool{false, true} {
		if s.numbers[spec], err = provision(ctx, url, apiKey, lat, acct, spec, false); err != nil {
			return nil, err
		}
	}
	return s, nil
}
