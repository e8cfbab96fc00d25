package assistant

import (
	"slices"
	"testing"
)

func TestRenderVariables(t *testing.T) {
	vars := map[string]string{"first_name": "Ada", "company": "Bikes & Co"}
	got, missing := RenderVariables("Hi {{first_name}}, this is {{ company }}. Order {{order_id}}, {{order_id}}. {{ not a name }}", vars)
	if got != "Hi Ada, this is Bikes & Co. Order , . {{ not a name }}" || !slices.Equal(missing, []string{"order_id"}) {
		t.Fatalf("got %q, missing %v", got, missing)
	}
	if got, missing := RenderVariables("no variables", nil); got != "no variables" || missing != nil {
		t.Fatalf("got %q, missing %v", got, missing)
	}
}

func TestConfigWithVariables(t *testing.T) {
	c := Defaults()
	c.LLMSettings.SystemPrompt = "You help {{customer_name}}. It is {{now}}."
	welcome, bye := "Hello {{customer_name}}!", "Bye {{customer_name}}."
	c.LLMSettings.WelcomeMessage, c.EndCallMessage = &welcome, &bye
	c.SilenceSettings.Messages = []string{"{{customer_name}}, are you there?"}
	out, missing := c.WithVariables(map[string]string{"customer_name": "Ada"})
	if out.LLMSettings.SystemPrompt != "You help Ada. It is ." || *out.LLMSettings.WelcomeMessage != "Hello Ada!" ||
		*out.EndCallMessage != "Bye Ada." || out.SilenceSettings.Messages[0] != "Ada, are you there?" {
		t.Fatalf("rendered %+v", out)
	}
	if !slices.Equal(missing, []string{"now"}) {
		t.Fatalf("missing %v", missing)
	}
	if *c.LLMSettings.WelcomeMessage != "Hello {{customer_name}}!" || c.SilenceSettings.Messages[0] != "{{customer_name}}, are you there?" {
		t.Fatal("the original configuration was changed")
	}
}
