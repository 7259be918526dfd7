package match

import (
	"strings"
	"testing"
)

func BenchmarkNormalize(b *testing.B) {
	text := strings.Repeat("上周六下午我接到一个电话，对方自称是圆通快递的理赔客服，说我在淘宝买的一瓶乳液在运输途中摔坏了，按公司规定给我双倍赔偿。", 10)
	var out []byte
	offs := make([]int32, 0, 4096)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		out, offs = Normalize(out[:0], offs[:0], text)
	}
}
