package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/nodes"
)

// writes runs the commands on where assistants' writes run:
//
//	writes ORG USER ID N → wrote V1 V2 …: N updates at once, the versions
//	                       they committed, sorted
//	writer ID            → writer here|elsewhere: where the assistant's
//	                       writes run
func writes(ctx context.Context, reg *assistants.Registry, node *nodes.Node, verb, rest string, say func(string, ...any)) error {
	switch verb {
	case "writes":
		var org, user, id int64
		var n int
		if _, err := fmt.Sscan(rest, &org, &user, &id, &n); err != nil {
			return err
		}
		by := auth.Principal{OrganizationID: org, UserID: user, Role: auth.RoleAdmin}
		var mu sync.Mutex
		var versions []int
		var failed []error
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				w, err := assistant.ParseWrite(fmt.Appendf(nil, `{"description":"%s write %d"}`, node.Address(), i))
				if err != nil {
					panic(err)
				}
				snap, err := reg.Update(ctx, by, id, w)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed = append(failed, err)
					return
				}
				versions = append(versions, snap.Version)
			})
		}
		wg.Wait()
		if len(failed) > 0 {
			return fmt.Errorf("%d of %d writes failed, first: %w", len(failed), n, failed[0])
		}
		slices.Sort(versions)
		out := make([]string, len(versions))
		for i, v := range versions {
			out[i] = fmt.Sprint(v)
		}
		say("wrote %s", strings.Join(out, " "))
	case "writer":
		var id int64
		if _, err := fmt.Sscan(rest, &id); err != nil {
			return err
		}
		where := "elsewhere"
		if node.AssistantHost(id) == node.Address() {
			where = "here"
		}
		say("writer %s", where)
	}
	return nil
}
