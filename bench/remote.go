package bench

import (
	"context"
	"errors"
	"strings"
)

// startRemote prepares calls to engines running elsewhere (`switchboard
// serve`), at urls, each its public URL (webhooks are signed over it):
// one engine, or the nodes of a cluster on one database, which the calls
// are spread over in turn (each node's own simulated carrier, one Twilio
// account). The bench serves the provider fakes on fakesAddr, where the
// engines must already be pointed (the environment `switchboard fakes`
// prints for that address), and creates its assistants and numbers
// through the first with apiKey, an admin key of an organization.
// Resources are then the bench's own (callers and fakes), not the
// engines'.
func startRemote(ctx context.Context, urls []string, apiKey, fakesAddr string, lat Latencies) (_ *system, err error) {
	if apiKey == "" {
		return nil, errors.New("bench: a target needs an API key (switchboard keys create --org NAME)")
	}
	if len(urls) == 0 {
		return nil, errors.New("bench: no target")
	}
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
	for _, url := range urls {
		cloud, err := s.addCloud(strings.TrimSuffix(url, "/"), acct)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, cloud.Close)
	}
	for _, spec := range []bool{false, true} {
		if s.numbers[spec], err = provision(ctx, strings.TrimSuffix(urls[0], "/"), apiKey, lat, acct, spec, false); err != nil {
			return nil, err
		}
	}
	return s, nil
}
