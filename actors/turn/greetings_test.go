package turn

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/events"
)

// greeting is how a call is answered, for screening tests and figures.
type greeting struct {
	Text   string        // what is said, "" for silence
	Beep   bool          // a beep follows
	Pickup time.Duration // how long after the answer speech starts
	Who    string
}

// screeningGreetings is a generated set of answers: people's hellos, short
// and long, in English and Dutch, and silence; machines' greetings with and
// without a beep, with voicemail phrases or just long, and a bare beep.
func screeningGreetings() (people, machines []greeting) {
	hellos := []string{
		"hello?", "hello", "hi", "yes?", "yeah hello", "hello who is this", "this is anna", "hi john speaking",
		"good morning smith residence", "hello how can i help you", "hi this is john smith speaking", "hello hello",
		"speaking", "hallo?", "met anna", "goedemiddag met jan de vries", "ja hallo", "hello this is mark who is calling",
		"good afternoon this is the front desk", "hey", "dag met pieter", "hello this is doctor miller's office",
	}
	for i, h := range hellos {
		people = append(people, greeting{Text: h, Pickup: time.Duration(200+100*(i%5)) * time.Millisecond, Who: AnsweredByHuman})
	}
	people = append(people, greeting{Who: AnsweredByHuman}, greeting{Pickup: time.Second, Who: AnsweredByHuman})

	names := []string{"john smith", "sarah", "the miller family", "anna de vries"}
	templates := []string{
		"hi you have reached %s i cannot take your call right now please leave a message after the tone",
		"the person you are calling %s is not available please leave a message",
		"hi it is %s leave me a message and i will call you back",
		"you have reached the voicemail of %s",
		"hallo u spreekt met de voicemail van %s spreek een bericht in na de piep",
		"je hebt %s gebeld ik ben momenteel niet bereikbaar laat een bericht achter",
	}
	for i, tpl := range templates {
		for j, n := range names {
			if (i+j)%2 == 0 {
				machines = append(machines, greeting{Text: fmt.Sprintf(tpl, n), Beep: j%2 == 0, Pickup: 300 * time.Millisecond, Who: AnsweredByMachine})
			}
		}
	}
	machines = append(machines,
		greeting{Text: "thank you for calling the office of doctor james miller our opening hours are monday to friday from nine to five", Pickup: 400 * time.Millisecond, Who: AnsweredByMachine},
		greeting{Text: "welcome to the customer line of the city bike company all our agents are busy with other callers at the moment", Beep: true, Pickup: 300 * time.Millisecond, Who: AnsweredByMachine},
		greeting{Text: "guten tag sie sind verbunden mit der mailbox von thomas bitte hinterlassen sie eine nachricht", Beep: true, Pickup: 300 * time.Millisecond, Who: AnsweredByMachine},
		greeting{Text: "sorry i missed your call leave your name and number and i will get back to you", Pickup: 200 * time.Millisecond, Who: AnsweredByMachine},
		greeting{Beep: true, Pickup: time.Second, Who: AnsweredByMachine},
		greeting{Beep: true, Pickup: 2 * time.Second, Who: AnsweredByMachine},
	)
	return people, machines
}

// BenchmarkScreening reports how well and how fast screening tells people
// from machines over the generated set, in virtual time (so the figures
// are exact and repeatable): the share decided right, and the decision
// time after the answer for people.
func BenchmarkScreening(b *testing.B) {
	people, machines := screeningGreetings()
	all := append(people, machines...)
	for range b.N {
		right := 0
		var personTimes, machineTimes []time.Duration
		for _, g := range all {
			s := startSim(&testing.T{}, screening(""), CallStart{Outbound: true})
			s.run(g.Pickup)
			if g.Text != "" {
				s.say(g.Text, 0.9, true)
			}
			if g.Beep {
				s.run(400 * time.Millisecond)
				s.m.Tone(s.now)
			}
			s.run(10 * time.Second)
			for _, e := range s.has("answered-by") {
				a := e.(events.AnsweredBy)
				if a.Who == g.Who {
					right++
				}
				if g.Who == AnsweredByHuman {
					personTimes = append(personTimes, a.After)
				} else {
					machineTimes = append(machineTimes, a.After)
				}
			}
		}
		slices.Sort(personTimes)
		slices.Sort(machineTimes)
		b.ReportMetric(machineTimes[len(machineTimes)/2].Seconds(), "machine-p50-s")
		b.ReportMetric(100*float64(right)/float64(len(all)), "%correct")
		b.ReportMetric(float64(len(all)), "greetings")
		b.ReportMetric(personTimes[len(personTimes)/2].Seconds(), "person-p50-s")
		b.ReportMetric(personTimes[len(personTimes)*95/100].Seconds(), "person-p95-s")
		b.ReportMetric(personTimes[len(personTimes)-1].Seconds(), "person-max-s")
	}
}
