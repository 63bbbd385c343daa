package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
)

// mvDeliverAll delivers every notification waiting, as a worker whose
// receivers all answer 204 would: a delivered create_move records in the
// move's log that its supplier was sent the request.
func mvDeliverAll(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	for range 50 {
		ds, err := st.Outbox().Claim(ctx, notify.ClaimRequest{Now: mvNow, LeaseUntil: mvNow.Add(time.Minute),
			Channels: []notify.Channel{notify.ChannelWebhook}, Limit: 8, PerSubscription: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			return
		}
		var res notify.Results
		for _, d := range ds {
			res.Attempts = append(res.Attempts, notify.Attempt{NotificationID: d.Notification.ID, SubscriptionID: d.Subscription.ID,
				Channel: notify.ChannelWebhook, Number: 1, At: mvNow, Outcome: notify.Delivered, Status: 204})
		}
		if err := st.Outbox().Record(ctx, res); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the outbox never emptied")
}

// TestMoveTimelineNamesTheSupplierOfEachEntry: a move requested with
// Serco passes to GEOAmey when PMU moves it to a day from which GEOAmey
// serves its police station. Its timeline still says it was requested
// with Serco and that Serco was sent the request; GEOAmey, sent the
// request in its turn, is named on that newer entry.
func TestMoveTimelineNamesTheSupplierOfEachEntry(t *testing.T) {
	a := newMvApp(t)
	ctx := context.Background()
	sealer, err := notify.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"serco", "geoamey"} {
		if _, _, err := a.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: key, CallbackURL: "https://" + key + ".example/hooks"},
			sealer, "admin"); err != nil {
			t.Fatal(err)
		}
	}
	serco, err := a.st.Supplier(ctx, "serco")
	if err != nil {
		t.Fatal(err)
	}
	geo, err := a.st.Supplier(ctx, "geoamey")
	if err != nil {
		t.Fatal(err)
	}

	m := a.fixture(mvCourt, moves.StatusRequested) // from Guildford police station tomorrow
	if m.SupplierID != serco.ID {
		t.Fatalf("the move is %s's, want Serco's", m.SupplierID)
	}
	mvDeliverAll(t, a.st) // Serco is sent the request
	// GEOAmey serves the station from the day after tomorrow and a bit.
	if err := a.st.AddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: geo.ID, LocationID: a.locs["SRY016"],
		EffectiveFrom: mvDay(5)}); err != nil {
		t.Fatal(err)
	}
	pmu := a.signIn(t, "pmu", "")
	form := a.validForm(moves.ActionChangeDate, m) // 9 December: mvDay(6)
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post("/move/"+m.ID+"/date", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change of date: %d", res.StatusCode)
	}
	if got := a.move(m.ID); got.SupplierID != geo.ID || got.Date != mvDay(6) {
		t.Fatalf("after the change of date the move is %s's on %s, want GEOAmey's on %s", got.SupplierID, got.Date, mvDay(6))
	}
	mvDeliverAll(t, a.st) // GEOAmey is sent the request

	doc := pmu.page("/move/"+m.ID, http.StatusOK)
	var got [][2]string // heading, sentence; newest first
	doc.Find("#move-timeline .moj-timeline__item").Each(func(_ int, s *goquery.Selection) {
		got = append(got, [2]string{mvText(s.Find(".moj-timeline__title")), mvText(s.Find(".moj-timeline__description"))})
	})
	sentences := map[string][]string{}
	for _, e := range got {
		sentences[e[0]] = append(sentences[e[0]], e[1])
	}
	if r := sentences["Move requested"]; len(r) != 1 || !strings.Contains(r[0], "The move was requested with Serco.") {
		t.Errorf("request entry %q, want it requested with Serco", r)
	}
	told := sentences["Supplier told about the request"]
	if len(told) != 2 || !strings.Contains(told[0], "GEOAmey was sent the move request.") || !strings.Contains(told[1], "Serco was sent the move request.") {
		t.Errorf("request sent, newest first: %q; want GEOAmey's, then Serco's", told)
	}
	if d := sentences["Move date changed"]; len(d) != 1 || !strings.Contains(d[0], "The move date is now Wednesday 9 December 2026.") {
		t.Errorf("date change entry %q", d)
	}
	if t.Failed() {
		t.Logf("timeline: %q", got)
	}
}
