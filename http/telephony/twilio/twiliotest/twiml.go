package twiliotest

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// node is a TwiML element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) text() string { return strings.TrimSpace(n.Text) }

// parseTwiML reads a <Response>.
func parseTwiML(doc []byte) (node, error) {
	var root node
	if err := xml.Unmarshal(doc, &root); err != nil {
		return node{}, fmt.Errorf("twiliotest: bad TwiML: %w", err)
	}
	if root.XMLName.Local != "Response" {
		return node{}, fmt.Errorf("twiliotest: TwiML root is <%s>", root.XMLName.Local)
	}
	return root, nil
}
