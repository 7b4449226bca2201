//! The trends chart for `admin stats chart`: weekly meeting rate and
//! check-in answer rate as a PNG. Pure (figures in, bytes out). Drawn with
//! `plotters` into memory and encoded with `png`, with no text at all —
//! text would need fonts, and fonts system libraries or a bundled font
//! file; the Slack message that carries the chart says what it shows.

use crate::domain::figures::Trends;
use plotters::prelude::*;

pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 360;
/// The meeting rate's colour (green) and the answer rate's (blue).
pub const MEETING: RGBColor = RGBColor(46, 139, 87);
pub const ANSWERS: RGBColor = RGBColor(52, 101, 164);
const GRID: RGBColor = RGBColor(225, 225, 225);

/// Runs of weeks with a value, as (week, percent) points: a week with too
/// few answers breaks the line.
fn segments(weeks: &[Option<i64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, w) in weeks.iter().enumerate() {
        match w {
            Some(p) => out
                .last_mut()
                .expect("never empty")
                .push((i as f64, *p as f64)),
            None if !out.last().expect("never empty").is_empty() => out.push(Vec::new()),
            None => {}
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The chart as a PNG: gridlines every 25 %, oldest week on the left.
pub fn trends_png(trends: &Trends) -> Result<Vec<u8>, String> {
    let mut pixels = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut pixels, trends).map_err(|e| format!("chart not drawn: {e}"))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("chart not encoded: {e}"))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| format!("chart not encoded: {e}"))?;
    writer
        .finish()
        .map_err(|e| format!("chart not encoded: {e}"))?;
    Ok(out)
}

/// Draws into `pixels`; an error is kept as its text (plotters' errors
/// borrow the buffer).
fn draw(pixels: &mut [u8], trends: &Trends) -> Result<(), String> {
    draw_on(pixels, trends).map_err(|e| e.to_string())
}

fn draw_on<'a>(
    pixels: &'a mut [u8],
    trends: &Trends,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let area = root.margin(24, 24, 24, 24);
    let weeks = trends
        .meeting_rate
        .len()
        .max(trends.answer_rate.len())
        .max(2);
    let mut chart =
        ChartBuilder::on(&area).build_cartesian_2d(0f64..(weeks - 1) as f64, -2f64..102f64)?;
    for y in [0.0, 25.0, 50.0, 75.0, 100.0] {
        chart.draw_series(LineSeries::new(
            [(0.0, y), ((weeks - 1) as f64, y)],
            GRID.stroke_width(1),
        ))?;
    }
    for (series, colour) in [
        (&trends.meeting_rate, MEETING),
        (&trends.answer_rate, ANSWERS),
    ] {
        for run in segments(series) {
            chart.draw_series(LineSeries::new(run.clone(), colour.stroke_width(3)))?;
            chart.draw_series(run.into_iter().map(|p| Circle::new(p, 4, colour.filled())))?;
        }
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_without_a_value_break_the_line() {
        let s = segments(&[None, Some(50), Some(60), None, None, Some(70)]);
        assert_eq!(s, vec![vec![(1.0, 50.0), (2.0, 60.0)], vec![(5.0, 70.0)]]);
        assert!(segments(&[None, None]).is_empty());
    }

    #[test]
    fn draws_a_png_with_both_lines() {
        let trends = Trends {
            meeting_rate: vec![None, Some(40), Some(60), Some(80)],
            answer_rate: vec![Some(90), Some(70), None, Some(50)],
        };
        let png = trends_png(&trends).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(png.as_slice());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        let has = |c: RGBColor| pixels.chunks(3).any(|p| p == [c.0, c.1, c.2]);
        assert!(has(MEETING) && has(ANSWERS), "both lines drawn");
        // Nothing but white, grey gridlines and the two colours (and their
        // anti-aliased edges): no text was needed.
        assert!(
            trends_png(&Trends::default()).is_ok(),
            "no weeks at all still draws"
        );
    }
}
